package org.jftrace.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FgraphOps;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.RedirectFunc;
import org.jftrace.internal.runtime.Targets.Alpha;
import org.jftrace.internal.runtime.Targets.Beta;
import org.jftrace.internal.runtime.Targets.Gamma;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane's rules, without an agent: a core over a fixed set of classes whose
 * "retransformation" runs the core's own transform. Register, unregister, filter edits with
 * {@code !} and reset, pending patterns, IPMODIFY exclusivity, the EINVAL/EBUSY/ENOENT rules, and
 * the class-load path that does not wait for a change in progress.
 */
class CoreBackendPlanningTest {
    private static final String ALPHA = Alpha.class.getName();
    private static final String BETA = Beta.class.getName();

    private FakeClasses classes;
    private CoreBackend core;

    @BeforeEach
    void newCore() {
        classes = new FakeClasses(Alpha.class, Beta.class);
        core = new CoreBackend(classes);
        classes.core = core;
    }

    private static FtraceOps ops(Flag... flags) {
        return FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(flags);
    }

    /** {@return enabled_functions as "Class.method count"} sorted */
    private List<String> enabled() {
        List<String> out = new ArrayList<>();
        for (EnabledFunction e : core.enabledFunctions()) {
            String cls = e.function().className();
            out.add(cls.substring(cls.lastIndexOf('$') + 1) + "." + e.function().methodName() + " " + e.opsCount());
        }
        out.sort(null);
        return out;
    }

    private static Errno errno(Runnable r) {
        return assertThrows(FtraceException.class, r::run).errno();
    }

    /**
     * A class the JVM refuses fails its whole call, which is split until the class stands alone; the
     * refusal is remembered, so the next register with the same hooks does not ask again (each try
     * would fail a whole call and redo every other class's transform); other hooks are tried.
     */
    @Test
    void aClassRefusedWithSomeHooksIsNotAskedForThemAgain() {
        classes.refusing.add("Beta");
        FtraceOps a = ops(Flag.RECURSION_SAFE);
        core.setFilter(a, ALPHA + ".*", false, false);
        core.setFilter(a, BETA + ".*", false, false);
        core.register(a);
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "Alpha hooked, Beta skipped");
        assertEquals(2, classes.failedCalls.size(), "the call of both, then Beta alone: " + classes.failedCalls);
        core.unregister(a);
        assertEquals(List.of("Alpha"), classes.drain(), "Beta was never changed: nothing to restore");
        classes.failedCalls.clear();
        core.register(a);
        assertEquals(List.of("Alpha+hooks"), classes.drain());
        assertEquals(List.of(), classes.failedCalls, "the same hooks are not asked of Beta again");
        core.unregister(a);
        classes.drain();

        FtraceOps regs = ops(Flag.RECURSION_SAFE, Flag.SAVE_REGS);
        core.setFilter(regs, BETA + ".*", false, false);
        classes.refusing.clear();
        core.register(regs);
        assertEquals(List.of("Beta+hooks"), classes.drain(), "other hooks (registers saved) are tried, and taken");
        core.unregister(regs);
    }

    @Test
    void registerHooksTheFilteredMethodsAndUnregisterTakesThemOff() {
        FtraceOps a = ops(Flag.RECURSION_SAFE);
        core.setFilter(a, ALPHA + ".one", false, false);
        core.setFilter(a, ALPHA + ".t*", false, false);
        assertEquals(List.of(), classes.drain(), "a filter on an unregistered ops changes no class");
        core.register(a);
        assertTrue(core.isRegistered(a));
        assertEquals(List.of("Alpha.one 1", "Alpha.three 1", "Alpha.two 1"), enabled());
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "one class retransformed, once");
        core.unregister(a);
        assertFalse(core.isRegistered(a));
        assertEquals(List.of(), enabled());
        assertEquals(List.of("Alpha"), classes.drain(), "the last ops gone: original bytes back");
        assertEquals(Errno.EBUSY, errno(() -> core.unregister(a)));
    }

    @Test
    void twoOpsShareAMethodAndAnEmptyFilterMeansEveryMethod() {
        FtraceOps a = ops();
        FtraceOps all = ops(Flag.RECURSION_SAFE);
        core.setFilter(a, BETA + ".run", false, false);
        core.register(a);
        core.register(all); // empty filter: every method
        assertEquals(List.of("Alpha.<init> 1", "Alpha.one 1", "Alpha.three 1", "Alpha.two 1", "Beta.<init> 1", "Beta.run 2",
                "Beta.walk 1"), enabled());
        assertEquals(Errno.EBUSY, errno(() -> core.register(all)), "registered already");
        core.setNotrace(all, ALPHA + ".*", false, false);
        assertEquals(List.of("Beta.<init> 1", "Beta.run 2", "Beta.walk 1"), enabled(), "notrace wins over the filter");
        core.unregister(all);
        assertEquals(List.of("Beta.run 1"), enabled());
        core.unregister(a);
    }

    /** {@return how many exit-hook slots ({@code GraphTarget.enter} calls) {@code method} has in {@code cls}'s last bytes} */
    private int exitSlots(String cls, String method) {
        byte[] bytes = classes.lastOut.get(cls);
        int[] n = {0};
        if (bytes == null || bytes.length == 0) {
            return 0;
        }
        new org.objectweb.asm.ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int acc, String name, String desc, String sig, String[] ex) {
                if (!name.equals(method)) {
                    return null;
                }
                return new org.objectweb.asm.MethodVisitor(org.objectweb.asm.Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                        if (owner.equals("org/jftrace/internal/boot/GraphTarget") && m.equals("enter")) {
                            n[0]++;
                        }
                    }
                };
            }
        }, 0);
        return n[0];
    }

    private static FtraceOps graph(Flag... flags) {
        return FgraphOps.builder((ip, parentIp, depth, g) -> 0L, (ip, data, depth, exit, value, bits, g) -> { })
                .flags(flags).build().ops();
    }

    @Test
    void exitHookOpsGetADataSlotEachAndOnlyTheirNumberRetransforms() {
        FtraceOps entry = ops(Flag.RECURSION_SAFE);
        FtraceOps g1 = graph();
        FtraceOps g2 = graph(Flag.RECURSION_SAFE);
        FtraceOps g3 = graph();
        core.setFilter(entry, ALPHA + ".one", false, false);
        core.setFilter(g1, ALPHA + ".one", false, false);
        core.setFilter(g2, ALPHA + ".one", false, false);
        core.setFilter(g3, ALPHA + ".one", false, false);
        core.register(entry);
        classes.drain();
        String entryClass = hookCallee("Alpha", "one");
        assertEquals(0, exitSlots("Alpha", "one"));
        core.register(g1);
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "the first exit-hook ops retransforms");
        assertEquals(1, exitSlots("Alpha", "one"));
        assertEquals(entryClass, hookCallee("Alpha", "one"), "the entry hook calls the same entry: its ops are the same");
        assertEquals(List.of("Alpha.one 2"), enabled());
        core.register(g2);
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "a second one needs a second data slot");
        assertEquals(2, exitSlots("Alpha", "one"));
        core.unregister(g1);
        assertEquals(List.of("Alpha+hooks"), classes.drain());
        assertEquals(1, exitSlots("Alpha", "one"));
        core.register(g3);
        core.unregister(g2);
        classes.drain();
        assertEquals(1, exitSlots("Alpha", "one"));
        core.unregister(g3);
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "the exit hooks go, the entry hook stays");
        assertEquals(0, exitSlots("Alpha", "one"));
        assertEquals(entryClass, hookCallee("Alpha", "one"));
        core.unregister(entry);
        assertEquals(List.of("Alpha"), classes.drain(), "original bytes when the last ops goes");
        assertEquals(List.of(), enabled());
    }

    /** {@return the class that the hook of {@code method} in {@code cls}'s last retransformed bytes calls, or null} */
    private String hookCallee(String cls, String method) {
        byte[] bytes = classes.lastOut.get(cls);
        String[] found = {null};
        new org.objectweb.asm.ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int acc, String name, String desc, String sig, String[] ex) {
                if (!name.equals(method)) {
                    return null;
                }
                return new org.objectweb.asm.MethodVisitor(org.objectweb.asm.Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                        if (found[0] == null && n.equals("enter") && !owner.equals("org/jftrace/internal/boot/GraphTarget")) {
                            found[0] = owner;
                        }
                    }
                };
            }
        }, 0);
        return found[0];
    }

    @Test
    void aHookCallsTheEntryOfItsSetOfOpsAndAChangeOfThatSetRetransforms() {
        FtraceOps a = ops(Flag.RECURSION_SAFE);
        FtraceOps b = ops();
        core.setFilter(a, ALPHA + ".one", false, false);
        core.setFilter(b, ALPHA + ".one", false, false);
        core.setFilter(b, ALPHA + ".two", false, false);
        core.register(a);
        assertEquals(List.of("Alpha+hooks"), classes.drain());
        String entryA = hookCallee("Alpha", "one");
        assertTrue(entryA != null && entryA.startsWith("org/jftrace/internal/boot/Entry$"), entryA);
        core.register(b);
        assertEquals(List.of("Alpha+hooks"), classes.drain(), "one gets a second ops: another entry to call");
        String entryAb = hookCallee("Alpha", "one");
        String entryB = hookCallee("Alpha", "two");
        assertEquals(3, java.util.Set.of(entryA, entryAb, entryB).size(), "an entry per set of ops: {a}, {b, a}, {b}");
        core.unregister(b);
        assertEquals(List.of("Alpha+hooks"), classes.drain());
        assertEquals(entryA, hookCallee("Alpha", "one"), "back to the entry of {a}, still in use");
        assertEquals(null, hookCallee("Alpha", "two"), "two is not hooked any more");
        // {b, a} and {b} were retired with b and recycled: a new set reuses one of their classes.
        FtraceOps c = ops();
        core.setFilter(c, ALPHA + ".three", false, false);
        core.register(c);
        String entryC = hookCallee("Alpha", "three");
        assertTrue(entryC.equals(entryAb) || entryC.equals(entryB), "a recycled entry class, not a new one: " + entryC);
        core.unregister(c);
        core.unregister(a);
        assertEquals(List.of("Alpha+hooks", "Alpha+hooks", "Alpha"), classes.drain());
    }

    @Test
    void negationPrunesAndTheLastRemovalMeansEveryMethod() {
        FtraceOps a = ops();
        core.setFilter(a, ALPHA + ".one", false, false);
        core.setFilter(a, ALPHA + ".two", false, false);
        core.register(a);
        core.setFilter(a, "!" + ALPHA + ".two", false, false);
        assertEquals(List.of("Alpha.one 1"), enabled());
        core.setFilter(a, "!" + ALPHA + ".one", false, false);
        assertEquals(7, enabled().size(), "removing the last entry empties the filter: every method (kernel rule)");
        core.setFilter(a, BETA + ".walk", true, false);
        assertEquals(List.of("Beta.walk 1"), enabled(), "reset replaces the list");
        core.setFilter(a, null, true, false);
        assertEquals(7, enabled().size(), "a reset with no pattern clears the filter");
        core.unregister(a);
    }

    @Test
    void aPatternThatMatchesNothingIsEinvalAndChangesNothingNotEvenTheReset() {
        FtraceOps a = ops();
        core.setFilter(a, ALPHA + ".one", false, false);
        core.register(a);
        assertEquals(Errno.EINVAL, errno(() -> core.setFilter(a, ALPHA + ".nothing", true, false)));
        assertEquals(Errno.EINVAL, errno(() -> core.setFilter(a, "", false, false)), "empty without reset");
        assertEquals(Errno.EINVAL, errno(() -> core.setFilter(a, "java.util.[", false, false)), "malformed");
        assertEquals(List.of("Alpha.one 1"), enabled());
        core.unregister(a);
    }

    @Test
    void aPendingPatternWaitsForItsClass() {
        FtraceOps a = ops();
        core.setFilter(a, Gamma.class.getName() + ".late", false, true);
        core.register(a);
        assertEquals(List.of(), enabled(), "nothing loaded matches yet");
        classes.loaded.add(Gamma.class);
        assertNotNull(classes.load(Gamma.class, false), "the class is hooked when it loads");
        assertEquals(List.of("Gamma.late 1"), enabled());
        assertNull(classes.load(Beta.class, false), "a class no pattern matches is left alone");
        core.unregister(a);
    }

    /**
     * A class that loads under an exit-hook ops is linked into the live table: a copy of the whole
     * table per class loaded made loading 7,500 JDK classes under an ops on every method allocate
     * 888 MB (BENCHMARKS.md). A change to loaded methods still publishes a copy.
     */
    @Test
    void aClassLoadingUnderAnOpsIsLinkedInPlaceAndAChangePublishesACopy() {
        FtraceOps g = graph(Flag.RECURSION_SAFE);
        core.setFilter(g, ALPHA + ".one", false, false);
        core.setFilter(g, Gamma.class.getName() + ".late", false, true);
        org.jftrace.internal.boot.GraphTarget[] registered = org.jftrace.internal.boot.Hooks.graphTargets();
        core.register(g);
        org.jftrace.internal.boot.GraphTarget[] beforeLoad = org.jftrace.internal.boot.Hooks.graphTargets();
        assertTrue(beforeLoad != registered, "register publishes a new table");
        classes.loaded.add(Gamma.class);
        assertNotNull(classes.load(Gamma.class, false));
        assertTrue(beforeLoad == org.jftrace.internal.boot.Hooks.graphTargets(), "the late class is linked in place");
        long late = -1;
        for (EnabledFunction e : core.enabledFunctions()) {
            if (e.function().methodName().equals("late")) {
                late = e.function().ip();
            }
        }
        assertTrue(late > 0, "Gamma.late is enabled: " + enabled());
        assertTrue(org.jftrace.internal.boot.Hooks.graph(late) != org.jftrace.internal.boot.GraphTarget.NONE,
                "its exit hooks reach the ops");
        core.unregister(g);
        assertTrue(beforeLoad != org.jftrace.internal.boot.Hooks.graphTargets(), "unregister publishes a copy");
        assertTrue(org.jftrace.internal.boot.Hooks.graph(late) == org.jftrace.internal.boot.GraphTarget.NONE);
    }

    /** A class defined from bytes: no class file to read, as a proxy or a generated class. */
    private static Class<?> defineFromBytes(String name) throws Exception {
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        cw.visit(org.objectweb.asm.Opcodes.V11, org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_SUPER,
                name.replace('.', '/'), null, "java/lang/Object", null);
        org.objectweb.asm.MethodVisitor mv = cw.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                | org.objectweb.asm.Opcodes.ACC_STATIC, "run", "()V", null, null);
        mv.visitCode();
        mv.visitInsn(org.objectweb.asm.Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        ClassLoader loader = new ClassLoader(CoreBackendPlanningTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String n) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    throw new ClassNotFoundException(n);
                }
                return defineClass(n, bytes, 0, bytes.length);
            }
        };
        Class<?> k = loader.loadClass(name);
        FAKE_JVM_COPIES.put(k, bytes);
        return k;
    }

    private static final java.util.Map<Class<?>, byte[]> FAKE_JVM_COPIES = new java.util.HashMap<>();

    @Test
    void aClassDefinedFromBytesBeforeRegisterIsHooked() throws Exception {
        Class<?> k = defineFromBytes("org.jftrace.internal.runtime.gen.FromBytes");
        classes.loaded.add(k);
        classes.definedFromBytes.put(k, FAKE_JVM_COPIES.get(k));
        FtraceOps a = ops();
        core.setFilter(a, k.getName() + ".run", false, false); // was EINVAL: "matches nothing"
        core.register(a);
        assertEquals(List.of(k.getName() + ".run 1"), enabled());
        assertTrue(classes.drain().contains("FromBytes+hooks"), "retransformed with its hook");
        core.unregister(a);
    }

    @Test
    void filterByIpAddsAndRemovesOneMethod() {
        long one = core.lookupIp(ALPHA + ".one");
        long two = core.lookupIp(ALPHA + ".two");
        FtraceOps a = ops();
        core.setFilterIp(a, one, false, false);
        core.register(a);
        assertEquals(List.of("Alpha.one 1"), enabled());
        assertEquals(Errno.ENOENT, errno(() -> core.setFilterIp(a, two, true, false)), "not in the filter");
        assertEquals(Errno.EINVAL, errno(() -> core.setFilterIp(a, one + 1, false, false)), "not a method's own ip");
        assertEquals(Errno.EINVAL, errno(() -> core.setFilterIp(a, 0xFFFFFL << 16, false, false)), "no such method");
        core.setFilterIp(a, two, false, false);
        core.setFilterIp(a, one, true, false);
        assertEquals(List.of("Alpha.two 1"), enabled());
        core.unregister(a);
        assertEquals(Errno.ENOENT, errno(() -> core.lookupIp(ALPHA + ".none")));
    }

    @Test
    void oneIpmodifyOpsPerMethod() {
        long one = core.lookupIp(ALPHA + ".one");
        long two = core.lookupIp(ALPHA + ".two");
        FtraceOps p = FtraceOps.of(RedirectFunc.to(one)).withFlags(Flag.SAVE_REGS, Flag.IPMODIFY);
        FtraceOps q = FtraceOps.of(RedirectFunc.to(one)).withFlags(Flag.SAVE_REGS, Flag.IPMODIFY);
        assertEquals(Errno.EINVAL, errno(() -> core.register(p)), "IPMODIFY with an empty filter");
        assertEquals(Errno.EINVAL, errno(() -> core.register(ops(Flag.IPMODIFY))), "IPMODIFY without SAVE_REGS");
        core.setFilterIp(p, two, false, false);
        core.register(p);
        assertEquals(Errno.EINVAL, errno(() -> core.setNotrace(p, ALPHA + ".one", false, false)), "no notrace list");
        assertEquals(Errno.EINVAL, errno(() -> core.setFilterIp(p, two, true, false)), "never an empty filter");
        core.setFilterIp(q, two, false, false);
        assertEquals(Errno.EBUSY, errno(() -> core.register(q)), "a second IPMODIFY ops on Alpha.two");
        assertFalse(core.isRegistered(q));
        core.setFilterIp(q, two, false, true); // q now on another method? no: reset to two again
        core.setFilter(q, ALPHA + ".three", true, false);
        core.register(q);
        assertEquals(Errno.EBUSY, errno(() -> core.setFilter(q, ALPHA + ".two", false, false)),
                "a filter change that would overlap");
        assertEquals(List.of("Alpha.three 1", "Alpha.two 1"), enabled(), "the failed change left both as they were");
        core.unregister(q);
        core.unregister(p);
    }

    @Test
    void aClassNoOpsCanHookLoadsWhileAChangeHoldsTheLock() throws Exception {
        FtraceOps a = ops();
        core.setFilter(a, ALPHA + ".one", false, false);
        classes.hold = new CountDownLatch(1);
        classes.holding = new CountDownLatch(1);
        Thread changer = new Thread(() -> core.register(a), "changer");
        changer.start();
        try {
            assertTrue(classes.holding.await(30, TimeUnit.SECONDS), "the register reached its retransformation");
            // The register holds the ops list's lock now. Beta matches no pattern: its load must not wait.
            byte[][] out = new byte[1][];
            Thread loader = new Thread(() -> out[0] = classes.load(Beta.class, false), "loader");
            loader.start();
            loader.join(30_000);
            assertFalse(loader.isAlive(), "a class load that no pattern can match waited for the change");
            assertNull(out[0]);
            // Alpha does match: its load waits for the change, then is hooked as the final state says.
            byte[][] hooked = new byte[1][];
            Thread matching = new Thread(() -> hooked[0] = classes.load(Alpha.class, false), "matching");
            matching.start();
            matching.join(200);
            assertTrue(matching.isAlive(), "a class the change may hook must wait for it");
            classes.hold.countDown();
            matching.join(30_000);
            assertNotNull(hooked[0], "hooked once the change was done");
        } finally {
            classes.hold.countDown();
            changer.join(30_000);
        }
        assertTrue(core.isRegistered(a));
        core.unregister(a);
    }
}
