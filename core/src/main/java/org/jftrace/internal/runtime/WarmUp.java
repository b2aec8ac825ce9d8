package org.jftrace.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.bytecode.ClassScanner;
import org.jftrace.internal.bytecode.ClassScanner.ScannedMethod;
import org.jftrace.internal.bytecode.HookInstrumenter;
import org.jftrace.internal.bytecode.LinkWarmUpClass;
import org.jftrace.internal.dispatch.GraphSets;
import org.jftrace.internal.dispatch.HotPathWarmUp;
import org.jftrace.internal.dispatch.ListTarget;
import org.jftrace.internal.filter.ClassMatch;
import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.Notrace;
import org.jftrace.internal.glob.Glob;
import org.jftrace.internal.log.Log;

/**
 * Runs, once, every path the transformer and hooked calls take, so that their classes are loaded
 * before the transformer is added: a class loaded from inside a transform is missed or fails with
 * ClassCircularityError. Then, once the transformer is in place, links one hook site of each kind.
 */
final class WarmUp {
    private WarmUp() {
    }

    /** Before the transformer is added. */
    static void beforeTransformer() {
        byte[] bytes = ClassDiscovery.readClassFile(ListTarget.class);
        if (bytes == null) {
            throw new IllegalStateException("cannot read jftrace's own class files");
        }
        ClassScanner.ScannedClass sc = ClassScanner.scan(bytes);
        Map<String, Long> ips = new HashMap<>();
        for (ScannedMethod m : sc.methods) {
            ips.put(m.name + m.descriptor, 1L << Hooks.IP_SHIFT);
            m.parameters();
            Notrace.isFunction(m);
            Notrace.methodReason("java.util.HashMap", m);
        }
        HookInstrumenter.instrument(bytes, ips, HookInstrumenter.Kind.INDY);
        HookInstrumenter.instrument(bytes, ips, HookInstrumenter.Kind.STATIC);
        Map<String, HookInstrumenter.Graph> graphs = new HashMap<>();
        ips.forEach((k, ip) -> graphs.put(k, new HookInstrumenter.Graph(ip, 2)));
        HookInstrumenter.instrument(bytes, ips, Collections.emptySet(), Collections.emptyMap(), graphs,
                HookInstrumenter.Kind.STATIC); // exit hooks: expanded frames, the max_locals pass
        GraphSets.warmUp();
        Glob g = Glob.parse("!java.util.Hash*.get(java.lang.Object):mod:java.base");
        g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base");
        g.mayMatchClass("java.util.HashMap");
        Notrace.classReason("java.util.HashMap", WarmUp.class.getClassLoader(), WarmUp.class.getProtectionDomain());
        FilterList.Entry e = new FilterList.Entry(g, false);
        e.toString();
        List<FilterList> filters = new ArrayList<>();
        filters.add(FilterList.EMPTY.plus(new FilterList.Entry(Glob.parse("java.util.HashMap.get"), false)));
        ClassMatch.union(filters).test("java.util.HashMap");
        ClassDiscovery.moduleName(Object.class.getModule(), null);
        new BitSet().clone();
        Set<String> set = Collections.emptySet();
        set.contains("x");
        Hooks.enter(0L);
        HotPathWarmUp.run();
    }

    /**
     * Links one plain and one register-saving invokedynamic hook site before any ops exists, so
     * that the JDK's own first-time work for linking them (method type interning, bootstrap
     * argument conversion, invoker forms) is done here and not in the first hooked call of a
     * user's method, where the JDK code it runs could fire callbacks of ops on JDK methods.
     */
    static void linking() {
        Map<String, Long> ips = new HashMap<>();
        ips.put(LinkWarmUpClass.PLAIN, 0L);
        ips.put(LinkWarmUpClass.REGS, 0L);
        byte[] bytes = HookInstrumenter.instrument(LinkWarmUpClass.bytes("org/jftrace/internal/runtime/LinkWarmUp"),
                ips, Collections.singleton(LinkWarmUpClass.REGS), HookInstrumenter.Kind.INDY);
        try {
            Class<?> k = MethodHandles.lookup().defineClass(bytes);
            k.getMethod("plain", int.class).invoke(null, 1);
            k.getMethod("regs", int.class).invoke(null, 1);
        } catch (ReflectiveOperationException | LinkageError e) {
            Log.warn("warming up hook-site linking failed (harmless): " + e, e);
        }
    }
}
