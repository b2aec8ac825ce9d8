package org.jftrace.internal.patch;

import java.security.ProtectionDomain;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jftrace.FtraceOps.Flag;
import org.jftrace.internal.bytecode.EntrySplicer;
import org.jftrace.internal.bytecode.HookInstrumenter;
import org.jftrace.internal.bytecode.SpliceList;
import org.jftrace.internal.dispatch.HookSite;
import org.jftrace.internal.dispatch.HookSites;
import org.jftrace.internal.dispatch.LiveOps;
import org.jftrace.internal.dispatch.Relinker;
import org.jftrace.internal.dispatch.ThreadGuard;
import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.functions.Notrace;
import org.jftrace.internal.log.Log;
import org.jftrace.internal.ops.OpsList;
import org.jftrace.internal.ops.OpsState;
import org.objectweb.asm.ClassReader;

/**
 * The transformer's decisions, at class load and at retransformation: adds hooks to the methods of
 * a class file whose ops list is not empty, or leaves it alone (returns null: the JVM keeps the
 * offered bytes, and retransforming from them takes every earlier hook off). Never throws: failures
 * go to the log, never into class loading.
 *
 * <p>A class that loads for the first time and that no registered ops may hook ({@link OpsList#mayHook},
 * a published snapshot) is left alone without the ops list's lock: nearly every class load in the
 * JVM takes that path, and none of them waits for a change in progress. Any other class takes the
 * lock, so that it is hooked exactly as the state after the change says.
 */
public final class ClassHooker {
    private final FunctionTable table;
    private final HookSites hooks;
    private final ClassDiscovery discovery;
    private final Relinker relinker;
    private final OpsList ops;
    private final KillSwitch killSwitch;
    /** The thread running a transform under the lock: a class its own work loads is left alone. */
    private Thread transforming;

    public ClassHooker(FunctionTable table, HookSites hooks, ClassDiscovery discovery, Relinker relinker, OpsList ops,
                       KillSwitch killSwitch) {
        this.table = table;
        this.hooks = hooks;
        this.discovery = discovery;
        this.relinker = relinker;
        this.ops = ops;
        this.killSwitch = killSwitch;
    }

    /** The transform. {@return the hooked class file, or null to keep {@code bytes}} */
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain pd, byte[] bytes) {
        if (internalName == null || killSwitch.disabled()) {
            return null;
        }
        // Busy first: everything below runs JDK code (String, HashMap, URL) that an ops may trace, and a
        // guarded callback run from inside a class load can need the very class being loaded
        // (ClassCircularityError in the program's own code, as the sample's println showed).
        boolean wasBusy = ThreadGuard.enterJftrace();
        try {
            if (discovery.captured(redefined, bytes)) {
                return null;
            }
            String name = internalName.replace('/', '.');
            if (Notrace.classReason(name) != null) {
                return null;
            }
            if (redefined == null && !ops.mayHook(name) && table.find(loader, name) == null) {
                return null; // the lock-free path: scanned lazily, if a later filter may match it
            }
            if (Notrace.isOwnCode(name, loader, pd)) {
                return null;
            }
            synchronized (ops) {
                return transformLocked(module, loader, name, redefined, pd, bytes);
            }
        } finally {
            ThreadGuard.leaveJftrace(wasBusy);
        }
    }

    private byte[] transformLocked(Module module, ClassLoader loader, String name, Class<?> redefined,
                                   ProtectionDomain pd, byte[] bytes) {
        if (transforming == Thread.currentThread()) {
            return null; // a class loaded by our own transform: leave it alone
        }
        transforming = Thread.currentThread();
        try {
            ClassRecord c = table.find(loader, name);
            if (c == null) {
                if (!ops.mayHook(name)) {
                    return null;
                }
                c = discovery.add(loader, name, bytes, module, pd, null);
                if (c == null) {
                    return null;
                }
                Relinker.Batch batch = relinker.batchForNewMethods(); // c's records were just made
                for (MethodRecord m : c.methods()) {
                    if (m.traceable()) {
                        LiveOps[] enabled = HookPlanner.enabledOn(m, ops.registered());
                        if (enabled.length > 0) {
                            HookSite h = hooks.of(m);
                            h.set(enabled);
                            batch.relink(c, h);
                            for (OpsState s : ops.registered()) {
                                if (HookSite.contains(enabled, s.live)) {
                                    s.hookedClasses.add(c);
                                }
                            }
                        }
                    }
                }
                batch.commit();
            }
            if (redefined != null) {
                c.learnClass(redefined);
            }
            byte[] out = instrument(c, bytes);
            if (out != null && loader != null) {
                if (spliced) {
                    resolveEntryClasses(loader, spliceList);
                } else {
                    resolveBridgeClasses(loader, out);
                }
            }
            return out;
        } catch (Throwable t) {
            Log.warn("cannot hook " + name + ", left unchanged: " + t, t);
            return null;
        } finally {
            transforming = null;
        }
    }

    /**
     * Makes {@code loader} an initiating loader of every boot bridge class that the hooked class
     * file {@code out} names (its entries, {@code Hooks}, exit-hook classes), on jftrace's thread:
     * else the first call of a hooked method resolves them there, and the loader's
     * {@code loadClass} (ConcurrentHashMap.putIfAbsent of its class-loading lock, ...) runs on the
     * program's thread, where an ops tracing those JDK methods sees calls the program never made.
     * The JVM records the loader for each name, so the hooked code's resolution makes no call.
     */
    private static void resolveBridgeClasses(ClassLoader loader, byte[] out) {
        ClassReader r = new ClassReader(out);
        char[] buf = new char[r.getMaxStringLength()];
        for (int i = 1; i < r.getItemCount(); i++) {
            int off = r.getItem(i);
            if (off > 0 && r.readByte(off - 1) == CONSTANT_CLASS) {
                String name = r.readUTF8(off, buf);
                if (name.startsWith(BRIDGE_PACKAGE)) {
                    try {
                        Class.forName(name.replace('/', '.'), false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // the hooked code resolves it itself then, as before
                    }
                }
            }
        }
    }

    private static final int CONSTANT_CLASS = 7;
    /** The boot bridge's package, as Entries and GraphSets define their classes in it. */
    private static final String BRIDGE_PACKAGE = org.objectweb.asm.Type.getInternalName(
            org.jftrace.internal.boot.Hooks.class).replaceFirst("[^/]+$", "");

    /** The one splice list, reused for every class: instrument runs under the ops lock. */
    private final SpliceList spliceList = new SpliceList();
    /** Whether the last {@link #instrument} spliced {@link #spliceList}'s hooks in. */
    private boolean spliced;

    /** The entry classes a spliced class now calls: the only bridge classes its splice named. */
    private static void resolveEntryClasses(ClassLoader loader, SpliceList list) {
        String last = null;
        for (int k = 0; k < list.count(); k++) {
            String entry = list.entry(k);
            if (entry != null && !entry.equals(last)) {
                last = entry;
                try {
                    Class.forName(entry.replace('/', '.'), false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // the hooked code resolves it itself then, as before
                }
            }
        }
    }

    private byte[] instrument(ClassRecord c, byte[] bytes) {
        spliced = false;
        BitSet set = new BitSet();
        BitSet regsSet = new BitSet();
        MethodRecord[] methods = c.methods();
        int[] graphSlots = new int[methods.length];
        // First what each method gets; a class whose hooks are all plain entries is spliced from this
        // list, matching its methods in place, with no key string or map per method (a register on
        // every method of a JVM allocated six times the class files' size, mostly in such keys).
        boolean entriesOnly = true;
        boolean graphs = false;
        spliceList.reset(methods.length);
        for (int i = 0; i < methods.length; i++) {
            MethodRecord m = methods[i];
            HookSite h = hooks.get(m.index);
            if (h != null && h.graph.length > 0) {
                graphSlots[i] = h.graph.length;
                graphs = true;
            }
            LiveOps[] enabled = h == null ? LiveOps.NONE : h.enabled;
            String entry = null;
            if (enabled.length > 0) {
                set.set(i);
                if (HookSite.wantsRegs(enabled)) {
                    regsSet.set(i);
                    entriesOnly = false;
                }
                if (h.entry == null) {
                    entriesOnly = false;
                } else {
                    entry = h.entry.owner;
                }
                h.entryInCode = h.entry;
            } else if (h != null) {
                h.entryInCode = null;
            }
            spliceList.set(i, m.name, m.descriptor, m.ip(), entry);
        }
        if (set.isEmpty() && !graphs) {
            c.instrumented = set;
            c.instrumentedRegs = regsSet;
            c.instrumentedGraph = graphSlots;
            return null;
        }
        if (entriesOnly && !graphs) {
            byte[] out = EntrySplicer.splice(bytes, spliceList);
            if (out != null) {
                spliced = true;
                c.instrumented = set;
                c.instrumentedRegs = regsSet;
                c.instrumentedGraph = graphSlots;
                if (Log.hook()) {
                    Log.info("hooked " + set.cardinality() + " method(s) of " + c.name + " (spliced)");
                }
                return out;
            }
        }
        // the general path: ASM, keyed by name + descriptor
        Map<String, Long> ips = new HashMap<>();
        Set<String> withRegs = new HashSet<>();
        Map<String, String> entries = new HashMap<>();
        Map<String, HookInstrumenter.Graph> graphMap = new HashMap<>();
        for (int i = 0; i < methods.length; i++) {
            MethodRecord m = methods[i];
            String key = m.name + m.descriptor;
            if (graphSlots[i] > 0) {
                graphMap.put(key, new HookInstrumenter.Graph(m.ip(), graphSlots[i]));
            }
            if (set.get(i)) {
                ips.put(key, m.ip());
                if (regsSet.get(i)) {
                    withRegs.add(key);
                }
                HookSite h = hooks.get(m.index);
                if (h.entry != null) {
                    entries.put(key, h.entry.owner);
                }
            }
        }
        HookInstrumenter.Kind kind = c.usesIndy() ? HookInstrumenter.Kind.INDY : HookInstrumenter.Kind.STATIC;
        byte[] out;
        try {
            out = HookInstrumenter.instrument(bytes, ips, withRegs, entries, graphMap, kind);
        } catch (RuntimeException tooLarge) {
            dropExitHooksThatDoNotFit(c, bytes, kind, graphMap, graphSlots);
            out = instrumentOneByOne(c, bytes, kind, ips, withRegs, entries, graphMap, set, regsSet);
        }
        c.instrumented = set;
        c.instrumentedRegs = regsSet;
        c.instrumentedGraph = graphSlots;
        if (Log.hook()) {
            Log.info("hooked " + set.cardinality() + " method(s) of " + c.name + " (" + kind + ")");
        }
        return out;
    }

    /**
     * Most likely a method pushed past 64 KiB (regs hooks are the larger ones): per method,
     * SAVE_REGS | SAVE_REGS_IF_SUPPORTED falls back to the plain hook (null regs); the rest is skipped.
     * Updates {@code ips}, {@code withRegs} and the bit sets to what was hooked.
     */
    /** Methods whose exit hooks do not fit (64 KiB, or a layout the hook cannot cover) lose them, with a warning. */
    private static void dropExitHooksThatDoNotFit(ClassRecord c, byte[] bytes, HookInstrumenter.Kind kind,
                                                  Map<String, HookInstrumenter.Graph> graphs, int[] graphSlots) {
        MethodRecord[] methods = c.methods();
        for (int i = 0; i < methods.length; i++) {
            String key = methods[i].name + methods[i].descriptor;
            HookInstrumenter.Graph g = graphs.get(key);
            if (g == null) {
                continue;
            }
            try {
                HookInstrumenter.instrument(bytes, Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap(),
                        Collections.singletonMap(key, g), kind);
            } catch (RuntimeException e) {
                graphs.remove(key);
                graphSlots[i] = 0;
                Log.warn("method " + methods[i] + " cannot carry exit hooks, skipped for its exit-hook ops: " + e, null);
            }
        }
    }

    private byte[] instrumentOneByOne(ClassRecord c, byte[] bytes, HookInstrumenter.Kind kind, Map<String, Long> ips,
                                      Set<String> withRegs, Map<String, String> entries,
                                      Map<String, HookInstrumenter.Graph> graphs, BitSet set, BitSet regsSet) {
        MethodRecord[] methods = c.methods();
        for (int i = 0; i < methods.length; i++) {
            MethodRecord m = methods[i];
            String key = m.name + m.descriptor;
            if (!set.get(i)) {
                continue;
            }
            Map<String, Long> one = Collections.singletonMap(key, m.ip());
            if (withRegs.contains(key)) {
                try {
                    HookInstrumenter.instrument(bytes, one, withRegs, kind);
                    continue;
                } catch (RuntimeException e) {
                    withRegs.remove(key);
                    regsSet.clear(i);
                    if (!regsOptional(hooks.enabledOn(m))) {
                        ips.remove(key);
                        set.clear(i);
                        Log.warn("method " + m + " cannot get regs (" + e + "); skipped for its SAVE_REGS ops", null);
                        continue;
                    }
                    Log.warn("method " + m + " cannot get regs (" + e + "); hooked with null regs "
                            + "(SAVE_REGS_IF_SUPPORTED)", null);
                }
            }
            try {
                HookInstrumenter.instrument(bytes, one, Collections.emptySet(), entries, kind);
            } catch (RuntimeException e) {
                ips.remove(key);
                set.clear(i);
                HookSite h = hooks.get(m.index);
                if (h != null) {
                    h.entryInCode = null;
                }
                Log.warn("method " + m + " cannot carry a hook, skipped: " + e, null);
            }
        }
        return ips.isEmpty() && graphs.isEmpty() ? null
                : HookInstrumenter.instrument(bytes, ips, withRegs, entries, graphs, kind);
    }

    /** {@return whether every SAVE_REGS ops in {@code enabled} also has SAVE_REGS_IF_SUPPORTED} */
    private static boolean regsOptional(LiveOps[] enabled) {
        for (LiveOps s : enabled) {
            if (s.has(Flag.SAVE_REGS) && !s.has(Flag.SAVE_REGS_IF_SUPPORTED)) {
                return false;
            }
        }
        return true;
    }
}
