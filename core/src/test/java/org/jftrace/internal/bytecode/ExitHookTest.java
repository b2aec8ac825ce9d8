package org.jftrace.internal.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jftrace.internal.boot.GraphTarget;
import org.jftrace.internal.boot.Hooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Exit hooks in bytecode, without an agent: classes rewritten by {@link HookInstrumenter} with exit
 * hooks run in this JVM (its verifier on) against a recording {@link GraphTarget} put in the boot
 * bridge's table, so every entry, exit, data value and depth the bytecode hands over is seen.
 */
class ExitHookTest {
    private static final String SUBJECT = "org.jftrace.internal.bytecode.GraphSubject";

    @AfterEach
    void clearTable() {
        Hooks.setGraphTargets(new GraphTarget[0]);
    }

    /** Records each call; data = a counter, so each exit must show its own entry's number. */
    static final class Recorder extends GraphTarget {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, String> names;
        private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
        private long next = 100;

        Recorder(Map<Long, String> names) {
            this.names = names;
        }

        @Override
        public int push() {
            return depth.get()[0]++;
        }

        @Override
        public void pop(int d) {
            depth.get()[0] = d;
        }

        @Override
        public synchronized long enter(long ip, int d, int slot) {
            long data = next++;
            events.add("> " + names.get(ip) + " d" + d + " s" + slot + " #" + data);
            return data;
        }

        @Override
        public void exit(long ip, int d, int slot, long data, int how, Object value, long bits) {
            String what = how == THROW ? "throw " + ((Throwable) value).getClass().getSimpleName()
                    : value != null ? "ref " + value : "bits " + bits;
            events.add("< " + names.get(ip) + " d" + d + " s" + slot + " #" + data + " " + what);
        }
    }

    private Map<Long, String> names;
    /** The class file {@link #hooked} made. */
    private byte[] hookedBytes;

    /** {@return GraphSubject rewritten with {@code slots} exit-hook ops on every method, loaded} */
    private Class<?> hooked(int slots, Recorder[] recorder, boolean plainToo) throws Exception {
        byte[] original = HookInstrumenterTest.classBytes(SUBJECT);
        Map<String, HookInstrumenter.Graph> graphs = new HashMap<>();
        Map<String, Long> ips = new HashMap<>();
        names = new HashMap<>();
        long ip = 5L << Hooks.IP_SHIFT;
        for (ClassScanner.ScannedMethod m : ClassScanner.scan(original).methods) {
            if (m.hasCode) {
                graphs.put(m.name + m.descriptor, new HookInstrumenter.Graph(ip, slots));
                ips.put(m.name + m.descriptor, ip);
                names.put(ip, m.name);
                ip += 1L << Hooks.IP_SHIFT;
            }
        }
        byte[] out = HookInstrumenter.instrument(original, plainToo ? ips : Map.of(), plainToo ? ips.keySet() : Set.of(),
                Map.of(), graphs, HookInstrumenter.Kind.STATIC);
        hookedBytes = out;
        StringWriter sw = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(out), getClass().getClassLoader(), false, new PrintWriter(sw));
        assertEquals("", sw.toString(), "ASM verifier");
        Recorder r = new Recorder(names);
        recorder[0] = r;
        GraphTarget[] table = new GraphTarget[(int) (ip >>> Hooks.IP_SHIFT)];
        java.util.Arrays.fill(table, r);
        Hooks.setGraphTargets(table);
        ClassLoader loader = new HookInstrumenterTest.ChildFirst(Map.of(SUBJECT, out), getClass().getClassLoader());
        return Class.forName(SUBJECT, true, loader);
    }

    private static Object call(Class<?> c, String name, Class<?> type, Object arg) throws Throwable {
        Method m = c.getDeclaredMethod(name, type);
        m.setAccessible(true);
        try {
            return m.invoke(null, arg);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void everyReturnKindReachesTheExitWithItsEntrysDataAndRawBits() throws Throwable {
        Recorder[] r = new Recorder[1];
        Class<?> c = hooked(1, r, false);
        r[0].events.clear();
        assertEquals(6, call(c, "twice", int.class, 3));
        assertEquals(8L, call(c, "wide", long.class, 7L));
        assertEquals(1.5, call(c, "half", double.class, 3.0));
        assertEquals(1.0f, call(c, "third", float.class, 3.0f));
        assertEquals("x", call(c, "name", Object.class, "x"));
        assertEquals(List.of(
                "> twice d0 s0 #100", "< twice d0 s0 #100 bits 6",
                "> wide d0 s0 #101", "< wide d0 s0 #101 bits 8",
                "> half d0 s0 #102", "< half d0 s0 #102 bits " + Double.doubleToRawLongBits(1.5),
                "> third d0 s0 #103", "< third d0 s0 #103 bits " + Float.floatToRawIntBits(1.0f),
                "> name d0 s0 #104", "< name d0 s0 #104 ref x"), r[0].events);
    }

    @Test
    void anExceptionCaughtTwoFramesUpExitsEachFrameInStackOrder() throws Throwable {
        Recorder[] r = new Recorder[1];
        Class<?> c = hooked(1, r, false);
        r[0].events.clear();
        assertEquals(-1, call(c, "catcher", int.class, 1));
        assertEquals(List.of(
                "> catcher d0 s0 #100", "> middle d1 s0 #101", "> thrower d2 s0 #102",
                "< thrower d2 s0 #102 throw IllegalStateException",
                "< middle d1 s0 #101 throw IllegalStateException",
                "< catcher d0 s0 #100 bits -1"), r[0].events);
        r[0].events.clear();
        assertThrows(IllegalStateException.class, () -> call(c, "thrower", int.class, 5));
        assertEquals(List.of("> thrower d0 s0 #103", "< thrower d0 s0 #103 throw IllegalStateException"), r[0].events);
    }

    @Test
    void aConstructorThatThrowsBeforeSuperExitsByException() throws Throwable {
        Recorder[] r = new Recorder[1];
        Class<?> c = hooked(1, r, false);
        r[0].events.clear();
        var ctor = c.getDeclaredConstructor(String.class);
        ctor.setAccessible(true);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> ctor.newInstance("-4"));
        assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause().toString());
        assertEquals(List.of("> <init> d0 s0 #100", "> check d1 s0 #101",
                "< check d1 s0 #101 throw IllegalArgumentException",
                "< <init> d0 s0 #100 throw IllegalArgumentException"), r[0].events);
        r[0].events.clear();
        Object o = ctor.newInstance("7");
        assertEquals(List.of("> <init> d0 s0 #102", "> check d1 s0 #103", "< check d1 s0 #103 bits 7",
                "> <init> d1 s0 #104", "< <init> d1 s0 #104 bits 0", "< <init> d0 s0 #102 bits 0"), r[0].events);
        Method locked = c.getDeclaredMethod("locked", int.class);
        locked.setAccessible(true);
        r[0].events.clear();
        assertEquals(13, locked.invoke(o, 4));
        assertEquals(List.of("> locked d0 s0 #105", "< locked d0 s0 #105 bits 13"), r[0].events);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void severalOpsEachGetTheirOwnDataLastEnteredExitsFirst(int slots) throws Throwable {
        Recorder[] r = new Recorder[1];
        Class<?> c = hooked(slots, r, true);
        r[0].events.clear();
        assertEquals(5, call(c, "fib", int.class, 5));
        List<String> ev = r[0].events;
        assertEquals(15 * 2 * slots, ev.size(), "fib(5) makes 15 calls");
        // pair each exit with its entry by data: same method, depth and slot
        Map<String, String> open = new HashMap<>();
        for (String e : ev) {
            String[] w = e.split(" ");
            String key = w[4];
            if (w[0].equals(">")) {
                open.put(key, w[1] + w[2] + w[3]);
            } else {
                assertEquals(open.remove(key), w[1] + w[2] + w[3], e);
            }
        }
        assertTrue(open.isEmpty(), "every entry exited: " + open);
        assertEquals("< fib d0 s0 #100 bits 5", ev.get(ev.size() - 1));
    }

    @Test
    void everyReturnJumpsToOneCopyOfTheExits() throws Throwable {
        Recorder[] r = new Recorder[1];
        Class<?> c = hooked(2, r, false);
        r[0].events.clear();
        assertEquals(-1, call(c, "sign", int.class, -5));
        assertEquals(0, call(c, "sign", int.class, 0));
        assertEquals(1, call(c, "sign", int.class, 5));
        assertEquals(List.of(
                "> sign d0 s0 #100", "> sign d0 s1 #101", "< sign d0 s1 #101 bits -1", "< sign d0 s0 #100 bits -1",
                "> sign d0 s0 #102", "> sign d0 s1 #103", "< sign d0 s1 #103 bits 0", "< sign d0 s0 #102 bits 0",
                "> sign d0 s0 #104", "> sign d0 s1 #105", "< sign d0 s1 #105 bits 1", "< sign d0 s0 #104 bits 1"),
                r[0].events);
        // three returns, two ops: the exits (exit, then exitLast) appear once for the returns and once in the catch-all
        org.objectweb.asm.tree.ClassNode node = new org.objectweb.asm.tree.ClassNode();
        new ClassReader(hookedBytes).accept(node, 0);
        org.objectweb.asm.tree.MethodNode sign = node.methods.stream().filter(m -> m.name.equals("sign")).findFirst()
                .orElseThrow();
        int exits = 0;
        int pops = 0;
        int returns = 0;
        for (org.objectweb.asm.tree.AbstractInsnNode insn : sign.instructions) {
            exits += insn instanceof org.objectweb.asm.tree.MethodInsnNode && ((org.objectweb.asm.tree.MethodInsnNode) insn)
                    .name.startsWith("exit") ? 1 : 0;
            pops += insn instanceof org.objectweb.asm.tree.MethodInsnNode && ((org.objectweb.asm.tree.MethodInsnNode) insn)
                    .name.equals("pop") ? 1 : 0;
            returns += insn.getOpcode() == org.objectweb.asm.Opcodes.IRETURN ? 1 : 0;
        }
        assertEquals(4, exits, "exit calls in sign");
        assertEquals(0, pops, "pop calls in sign: the last exit puts the depth back");
        assertEquals(1, returns, "return instructions in sign");
    }

    /**
     * Returns that leave values under their own (an int, a long, a String: generated code does, such
     * as jlink's SystemModules) still reach the shared exit block: the values are popped first, since
     * the block's frame has an empty stack. Without frames (version 49) each return keeps its copy.
     */
    @ParameterizedTest
    @ValueSource(ints = {org.objectweb.asm.Opcodes.V1_5, org.objectweb.asm.Opcodes.V1_8})
    void returnsOverLeftoverStackValuesStillExitOnce(int version) throws Throwable {
        boolean frames = version >= org.objectweb.asm.Opcodes.V1_6;
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(frames
                ? org.objectweb.asm.ClassWriter.COMPUTE_FRAMES : org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        cw.visit(version, org.objectweb.asm.Opcodes.ACC_PUBLIC, "gen/Leftovers", null, "java/lang/Object", null);
        org.objectweb.asm.MethodVisitor mv = cw.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                | org.objectweb.asm.Opcodes.ACC_STATIC, "pick", "(I)J", null, null);
        mv.visitCode();
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_3);
        mv.visitLdcInsn(7L);
        mv.visitLdcInsn("junk");
        org.objectweb.asm.Label positive = new org.objectweb.asm.Label();
        mv.visitVarInsn(org.objectweb.asm.Opcodes.ILOAD, 0);
        mv.visitJumpInsn(org.objectweb.asm.Opcodes.IFGE, positive);
        mv.visitLdcInsn(-1L);
        mv.visitInsn(org.objectweb.asm.Opcodes.LRETURN);
        mv.visitLabel(positive);
        mv.visitVarInsn(org.objectweb.asm.Opcodes.ILOAD, 0);
        mv.visitInsn(org.objectweb.asm.Opcodes.I2L);
        mv.visitInsn(org.objectweb.asm.Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        Recorder r = new Recorder(Map.of(GENERATED_IP, "pick"));
        byte[][] out = new byte[1][];
        // loaded here, so this JVM's verifier checks the pops and the shared block's frame
        Class<?> c = hookOneAndLoad(cw.toByteArray(), "gen.Leftovers", "pick(I)J", r, out);
        int returns = 0;
        org.objectweb.asm.tree.ClassNode node = new org.objectweb.asm.tree.ClassNode();
        new ClassReader(out[0]).accept(node, 0);
        for (org.objectweb.asm.tree.AbstractInsnNode insn : node.methods.get(0).instructions) {
            returns += insn.getOpcode() == org.objectweb.asm.Opcodes.LRETURN ? 1 : 0;
        }
        assertEquals(frames ? 1 : 2, returns, "return instructions in pick");
        assertEquals(-1L, call(c, "pick", int.class, -4));
        assertEquals(6L, call(c, "pick", int.class, 6));
        assertEquals(List.of("> pick d0 s0 #100", "< pick d0 s0 #100 bits -1",
                "> pick d0 s0 #101", "< pick d0 s0 #101 bits 6"), r.events);
    }

    @Test
    void anOldClassFileWithoutFramesGetsExitHooksToo() throws Throwable {
        // version 49: no stack map frames (the old verifier infers types), no invokedynamic
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        cw.visit(org.objectweb.asm.Opcodes.V1_5, org.objectweb.asm.Opcodes.ACC_PUBLIC, "old/Legacy2", null,
                "java/lang/Object", null);
        org.objectweb.asm.MethodVisitor mv = cw.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                | org.objectweb.asm.Opcodes.ACC_STATIC, "check", "(I)I", null, null);
        mv.visitCode();
        org.objectweb.asm.Label ok = new org.objectweb.asm.Label();
        mv.visitVarInsn(org.objectweb.asm.Opcodes.ILOAD, 0);
        mv.visitJumpInsn(org.objectweb.asm.Opcodes.IFGE, ok);
        mv.visitTypeInsn(org.objectweb.asm.Opcodes.NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(org.objectweb.asm.Opcodes.DUP);
        mv.visitMethodInsn(org.objectweb.asm.Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "()V",
                false);
        mv.visitInsn(org.objectweb.asm.Opcodes.ATHROW);
        mv.visitLabel(ok);
        mv.visitVarInsn(org.objectweb.asm.Opcodes.ILOAD, 0);
        mv.visitInsn(org.objectweb.asm.Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        Recorder r = new Recorder(Map.of(GENERATED_IP, "check"));
        byte[][] out = new byte[1][];
        Class<?> legacy = hookOneAndLoad(cw.toByteArray(), "old.Legacy2", "check(I)I", r, out);
        assertEquals(49, ClassScanner.scan(out[0]).version);
        assertEquals(4, call(legacy, "check", int.class, 4));
        assertThrows(IllegalArgumentException.class, () -> call(legacy, "check", int.class, -1));
        assertEquals(List.of("> check d0 s0 #100", "< check d0 s0 #100 bits 4",
                "> check d0 s0 #101", "< check d0 s0 #101 throw IllegalArgumentException"), r.events);
    }

    /** The ip {@link #hookOneAndLoad} gives its method. */
    private static final long GENERATED_IP = 9L << Hooks.IP_SHIFT;

    /**
     * {@return class {@code name}, made of {@code original} with one exit-hook ops on method {@code key}
     * (ip {@link #GENERATED_IP}, recorded by {@code r}), loaded in a loader of its own} The hooked
     * class file goes to {@code out[0]}.
     */
    private Class<?> hookOneAndLoad(byte[] original, String name, String key, Recorder r, byte[][] out)
            throws ClassNotFoundException {
        out[0] = HookInstrumenter.instrument(original, Map.of(), Set.of(), Map.of(),
                Map.of(key, new HookInstrumenter.Graph(GENERATED_IP, 1)), HookInstrumenter.Kind.STATIC);
        GraphTarget[] table = new GraphTarget[(int) (GENERATED_IP >>> Hooks.IP_SHIFT) + 1];
        table[table.length - 1] = r;
        Hooks.setGraphTargets(table);
        return new HookInstrumenterTest.ChildFirst(Map.of(name, out[0]), getClass().getClassLoader()).loadClass(name);
    }

    /** {@return the number of {@code CONSTANT_Long} entries in a class file's pool} */
    private static int longConstants(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        int n = 0;
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            n += offset > 0 && classFile[offset - 1] == 5 ? 1 : 0;
        }
        return n;
    }

    @Test
    void theCorpusWithExitHooksOnEveryMethodBehavesTheSame() throws Exception {
        Map<String, byte[]> rewritten = new HashMap<>();
        long ip = 1L << Hooks.IP_SHIFT;
        for (String simple : new String[] {"Corpus", "Corpus$BranchyInit", "Corpus$Point", "Corpus$Color",
                "Corpus$WithDefault", "Corpus$Impl"}) {
            String name = "org.jftrace.internal.bytecode." + simple;
            byte[] original = HookInstrumenterTest.classBytes(name);
            Map<String, HookInstrumenter.Graph> graphs = new HashMap<>();
            for (ClassScanner.ScannedMethod m : ClassScanner.scan(original).methods) {
                if (m.hasCode) {
                    graphs.put(m.name + m.descriptor, new HookInstrumenter.Graph(ip, 1));
                    ip += 1L << Hooks.IP_SHIFT;
                }
            }
            byte[] out = HookInstrumenter.instrument(original, Map.of(), Set.of(), Map.of(), graphs,
                    HookInstrumenter.Kind.STATIC);
            assertEquals(longConstants(original), longConstants(out), name + ": the ips are operands, no constant per method");
            StringWriter sw = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(out), getClass().getClassLoader(), false, new PrintWriter(sw));
            assertEquals("", sw.toString(), "ASM verifier on " + name);
            rewritten.put(name, out);
        }
        Recorder r = new Recorder(new HashMap<>());
        GraphTarget[] table = new GraphTarget[(int) (ip >>> Hooks.IP_SHIFT)];
        java.util.Arrays.fill(table, r);
        Hooks.setGraphTargets(table);
        ClassLoader loader = new HookInstrumenterTest.ChildFirst(rewritten, getClass().getClassLoader());
        Method results = Class.forName("org.jftrace.internal.bytecode.Corpus", true, loader).getDeclaredMethod("results");
        results.setAccessible(true);
        assertEquals(Corpus.results(), results.invoke(null));
        long entries = r.events.stream().filter(e -> e.startsWith(">")).count();
        assertTrue(entries > 10, "entries seen: " + entries);
        assertEquals(entries, r.events.size() - entries, "one exit per entry");
    }
}
