package org.jftrace.internal.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.FunctionInfo;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.dispatch.HookSite;
import org.jftrace.internal.dispatch.HookSites;
import org.jftrace.internal.dispatch.LiveOps;
import org.jftrace.internal.dispatch.Redirects;
import org.jftrace.internal.filter.ClassMatch;
import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.functions.CallSites;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.ops.OpsList;

/**
 * The function table's queries (the kernel's {@code available_filter_functions},
 * {@code enabled_functions}, and kallsyms look-ups both ways). The caller marks the thread busy.
 */
final class FunctionQueries {
    private final FunctionTable table;
    private final HookSites hooks;
    private final CallSites callSites;
    private final OpsList ops;
    private final CoreBackend.Scanner scanner;

    FunctionQueries(FunctionTable table, HookSites hooks, CallSites callSites, OpsList ops, CoreBackend.Scanner scanner) {
        this.table = table;
        this.hooks = hooks;
        this.callSites = callSites;
        this.ops = ops;
        this.scanner = scanner;
    }

    Optional<FunctionInfo> lookup(long ip) {
        MethodRecord m = table.methodOfIp(ip);
        if (m == null) {
            return Optional.empty();
        }
        int bci = (int) (ip & ((1L << Hooks.IP_SHIFT) - 1));
        return Optional.of(bci == 0 ? m.info() : m.info(bci, callSites.line(ip)));
    }

    long lookupIp(String name) {
        String n = name.trim();
        int paren = n.indexOf('(');
        String fname = paren < 0 ? n : n.substring(0, paren);
        String params = paren < 0 ? null : n.substring(paren).replace(" ", "");
        int dot = fname.lastIndexOf('.');
        if (dot <= 0) {
            throw new FtraceException(Errno.EINVAL, "\"" + name + "\" is not binary.class.Name.method[(params)]");
        }
        String cls = fname.substring(0, dot);
        String method = fname.substring(dot + 1);
        List<MethodRecord> found = scanner.scannedThen(cls::equals, () -> {
            List<MethodRecord> out = new ArrayList<>();
            for (ClassRecord c : table.classes()) {
                if (!c.name.equals(cls)) {
                    continue;
                }
                for (MethodRecord m : c.methods()) {
                    if (m.name.equals(method) && (params == null || params.equals(m.parameters()))) {
                        out.add(m);
                    }
                }
            }
            return out;
        });
        if (found.isEmpty()) {
            throw new FtraceException(Errno.ENOENT, "no loaded class has a method " + n);
        }
        if (found.size() > 1) {
            StringBuilder sb = new StringBuilder();
            for (MethodRecord m : found) {
                sb.append(' ').append(m.parameters());
            }
            throw new FtraceException(Errno.EINVAL, n + " is ambiguous: add a parameter list, one of" + sb);
        }
        return found.get(0).ip();
    }

    /** Reads the class file of every loaded class not scanned yet: costly the first time. */
    List<FunctionInfo> availableFilterFunctions() {
        return scanner.scannedThen(ClassMatch.ALL, () -> {
            List<FunctionInfo> out = new ArrayList<>();
            for (ClassRecord c : table.classes()) {
                if (c.notraceReason != null) {
                    continue;
                }
                for (MethodRecord m : c.methods()) {
                    if (m.traceable()) {
                        out.add(m.info());
                    }
                }
            }
            return out;
        });
    }

    /** The methods whose hook is in the bytecode the JVM runs, with their ops count and flags. */
    List<EnabledFunction> enabledFunctions() {
        List<EnabledFunction> out = new ArrayList<>();
        synchronized (ops) {
            for (ClassRecord c : table.classes()) {
                MethodRecord[] methods = c.methods();
                for (int i = 0; i < methods.length; i++) {
                    HookSite h = hooks.get(methods[i].index);
                    boolean entry = h != null && h.enabled.length > 0 && c.instrumented.get(i);
                    boolean exit = h != null && h.graph.length > 0 && c.graphSlots(i) > 0;
                    if (!entry && !exit) {
                        continue;
                    }
                    EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
                    int count = 0;
                    for (LiveOps s : h.all) {
                        if (s.exitHooks ? exit : entry) {
                            flags.addAll(s.flags);
                            count++;
                        }
                    }
                    Redirects.Redirect direct = c.instrumentedRegs.get(i) ? h.direct : null;
                    out.add(new EnabledFunction(methods[i].info(), count, Collections.unmodifiableSet(flags),
                            direct == null ? null : direct.target.info()));
                }
            }
        }
        return out;
    }

    /** {@return the traceable methods of the table that {@code filter} selects} Takes the ops list's lock. */
    List<MethodRecord> traceableIn(FilterList filter) {
        List<MethodRecord> methods = new ArrayList<>();
        ClassMatch classes = ClassMatch.of(filter);
        synchronized (ops) {
            for (ClassRecord c : table.classes()) {
                if (c.notraceReason != null || !classes.test(c.name)) {
                    continue;
                }
                for (MethodRecord m : c.methods()) {
                    if (m.traceable() && filter.contains(m)) {
                        methods.add(m);
                    }
                }
            }
        }
        return methods;
    }
}
