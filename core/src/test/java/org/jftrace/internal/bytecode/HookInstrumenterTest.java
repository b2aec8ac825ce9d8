package org.jftrace.internal.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The corpus times both hook kinds: every method of every corpus class hooked, each rewritten
 * class checked by ASM's verifier, then loaded (with the JVM's verifier) and run; results must equal
 * the original's. The hooks call into {@code Hooks}, which has no targets here, so they do nothing.
 */
class HookInstrumenterTest {

    private static final String[] CORPUS = {
        "Corpus", "Corpus$BranchyInit", "Corpus$Point", "Corpus$Color", "Corpus$WithDefault", "Corpus$Impl",
    };

    @ParameterizedTest
    @EnumSource(HookInstrumenter.Kind.class)
    void everyCorpusMethodHookedVerifiesLoadsAndBehavesTheSame(HookInstrumenter.Kind kind) throws Exception {
        corpusRoundTrip(kind, false);
    }

    @ParameterizedTest
    @EnumSource(HookInstrumenter.Kind.class)
    void everyCorpusMethodWithRegsHookVerifiesLoadsAndBehavesTheSame(HookInstrumenter.Kind kind) throws Exception {
        corpusRoundTrip(kind, true);
    }

    private void corpusRoundTrip(HookInstrumenter.Kind kind, boolean regs) throws Exception {
        Map<String, byte[]> rewritten = new HashMap<>();
        long ip = 1L << 16;
        for (String simple : CORPUS) {
            String name = "org.jftrace.internal.bytecode." + simple;
            byte[] original = classBytes(name);
            Map<String, Long> ips = new HashMap<>();
            for (ClassScanner.ScannedMethod m : ClassScanner.scan(original).methods) {
                if (m.hasCode) {
                    ips.put(m.name + m.descriptor, ip);
                    ip += 1L << 16;
                }
            }
            java.util.Set<String> withRegs = regs ? ips.keySet() : java.util.Set.of();
            byte[] out = HookInstrumenter.instrument(original, ips, withRegs, kind);
            assertFalse(java.util.Arrays.equals(original, out), name + " should have changed");
            assertVerifies(out);
            assertEquals(ips.size(), countHooks(out, kind), "one hook per method in " + name);
            assertArrayEquals(out, HookInstrumenter.instrument(original, ips, withRegs, kind), "deterministic output");
            rewritten.put(name, out);
        }
        ClassLoader loader = new ChildFirst(rewritten, getClass().getClassLoader());
        Class<?> corpus = Class.forName("org.jftrace.internal.bytecode.Corpus", true, loader);
        assertEquals(loader, corpus.getClassLoader());
        Method results = corpus.getDeclaredMethod("results");
        results.setAccessible(true);
        assertEquals(Corpus.results(), results.invoke(null));
    }

    /** What an entry class is to a hook: a public static enter(long). Counts its calls and the ips seen. */
    /** An entry hook's two {@code sipush} operands give back its ip, for every index up to 2^31 - 1. */
    @Test
    void anEntryIpSplitsIntoTwoShortsAndBack() {
        for (long index : new long[] {0, 1, 32_767, 32_768, 65_535, 65_536, 98_303, 98_304, 1L << 24, Integer.MAX_VALUE}) {
            long ip = index << 16;
            int high = HookInstrumenter.ipHigh(ip);
            int low = HookInstrumenter.ipLow(ip);
            assertTrue(high >= Short.MIN_VALUE && high <= Short.MAX_VALUE && low >= Short.MIN_VALUE && low <= Short.MAX_VALUE,
                    index + ": " + high + ", " + low);
            assertEquals(ip, HookInstrumenter.ipOf(high, low), "index " + index);
        }
        assertThrows(IllegalArgumentException.class, () -> HookInstrumenter.ipHigh((5L << 16) | 3), "a call site's ip, not an entry's");
        assertThrows(IllegalArgumentException.class, () -> HookInstrumenter.ipHigh(1L << 47), "an index past 2^31 - 1");
    }

    public static final class CountingEntry {
        static final java.util.Set<Long> IPS = java.util.concurrent.ConcurrentHashMap.newKeySet();
        static long calls;

        public static void enter(int high, int low) {
            calls++;
            IPS.add(HookInstrumenter.ipOf(high, low));
        }
    }

    @ParameterizedTest
    @EnumSource(HookInstrumenter.Kind.class)
    void everyCorpusMethodCallingAnEntryVerifiesLoadsAndBehavesTheSame(HookInstrumenter.Kind kind) throws Exception {
        Map<String, byte[]> rewritten = new HashMap<>();
        long ip = 1L << 16;
        java.util.Set<Long> all = new java.util.HashSet<>();
        String entry = CountingEntry.class.getName().replace('.', '/');
        for (String simple : CORPUS) {
            String name = "org.jftrace.internal.bytecode." + simple;
            byte[] original = classBytes(name);
            Map<String, Long> ips = new HashMap<>();
            Map<String, String> entries = new HashMap<>();
            for (ClassScanner.ScannedMethod m : ClassScanner.scan(original).methods) {
                if (m.hasCode) {
                    ips.put(m.name + m.descriptor, ip);
                    entries.put(m.name + m.descriptor, entry);
                    all.add(ip);
                    ip += 1L << 16;
                }
            }
            byte[] out = HookInstrumenter.instrument(original, ips, java.util.Set.of(), entries, kind);
            assertVerifies(out);
            rewritten.put(name, out);
        }
        CountingEntry.calls = 0;
        CountingEntry.IPS.clear();
        ClassLoader loader = new ChildFirst(rewritten, getClass().getClassLoader());
        Class<?> corpus = Class.forName("org.jftrace.internal.bytecode.Corpus", true, loader);
        Method results = corpus.getDeclaredMethod("results");
        results.setAccessible(true);
        assertEquals(Corpus.results(), results.invoke(null));
        assertTrue(CountingEntry.calls > 0, "the hooks call the entry");
        assertTrue(all.containsAll(CountingEntry.IPS), "each with its method's ip");
        assertTrue(CountingEntry.IPS.size() > 5, "from many methods: " + CountingEntry.IPS.size());
    }

    @ParameterizedTest
    @EnumSource(HookInstrumenter.Kind.class)
    void oldClassFileVersionsAreHookableWithoutFrames(HookInstrumenter.Kind kind) throws Exception {
        byte[] original = legacyAbs();
        Map<String, Long> ips = Map.of("abs(I)I", 7L << 16);
        byte[] out;
        if (kind == HookInstrumenter.Kind.INDY) {
            // invokedynamic needs version 51: the registry never asks for it on old classes; ASM refuses.
            try {
                HookInstrumenter.instrument(original, ips, kind);
                throw new AssertionError("indy in a version 49 class must be refused");
            } catch (RuntimeException expected) {
                return;
            }
        }
        out = HookInstrumenter.instrument(original, ips, kind);
        assertEquals(49, ClassScanner.scan(out).version);
        assertVerifies(out);
        Class<?> legacy = new ChildFirst(Map.of("old.Legacy", out), getClass().getClassLoader()).loadClass("old.Legacy");
        assertEquals(5, legacy.getMethod("abs", int.class).invoke(null, -5));
    }

    @org.junit.jupiter.api.Test
    void scannerReadsNamesLinesAndIntrinsics() throws Exception {
        ClassScanner.ScannedClass sc = ClassScanner.scan(classBytes("java.lang.String"));
        boolean sawIntrinsic = false;
        boolean sawIndexOf = false;
        for (ClassScanner.ScannedMethod m : sc.methods) {
            sawIntrinsic |= m.intrinsicCandidate;
            if (m.name.equals("indexOf") && m.parameters().equals("(java.lang.String)")) {
                sawIndexOf = true;
                assertTrue(m.firstLine > 0);
            }
        }
        assertTrue(sawIntrinsic, "String has @IntrinsicCandidate methods");
        assertTrue(sawIndexOf);
        assertEquals("String.java", sc.sourceFile);
    }

    private static int countHooks(byte[] bytes, HookInstrumenter.Kind kind) {
        int[] count = {0};
        new ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInvokeDynamicInsn(String name, String desc, org.objectweb.asm.Handle bsm,
                                                       Object... args) {
                        // entry hooks only: a regs hook's redirect site takes the array first
                        if (bsm.getOwner().equals(HookInstrumenter.TYPE_HOOKS) && !desc.startsWith("([")) {
                            count[0]++;
                        }
                    }

                    @Override
                    public void visitMethodInsn(int op, String owner, String name, String desc, boolean itf) {
                        if (owner.equals(HookInstrumenter.TYPE_HOOKS) && name.startsWith("enter")) {
                            count[0]++;
                        }
                    }
                };
            }
        }, 0);
        return count[0];
    }

    /** A Java 5 (49) class {@code old.Legacy} with {@code static int abs(int)}: no stack map frames; a hook must add none. */
    static byte[] legacyAbs() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "old/Legacy", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "abs", "(I)I", null, null);
        mv.visitCode();
        org.objectweb.asm.Label neg = new org.objectweb.asm.Label();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFLT, neg);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(neg);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.INEG);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void assertVerifies(byte[] bytes) {
        StringWriter sw = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), HookInstrumenterTest.class.getClassLoader(), false,
                new PrintWriter(sw));
        assertEquals("", sw.toString(), "ASM verifier");
    }

    static byte[] classBytes(String name) throws IOException {
        String res = name.replace('.', '/') + ".class";
        try (InputStream in = name.startsWith("java.") ? Object.class.getModule().getResourceAsStream(res)
                : HookInstrumenterTest.class.getClassLoader().getResourceAsStream(res)) {
            return in.readAllBytes();
        }
    }

    /** Loads the given classes itself (so the rewritten bytes run), everything else from the parent. */
    static final class ChildFirst extends ClassLoader {
        private final Map<String, byte[]> classes;
        private final List<String> defined = new ArrayList<>();

        ChildFirst(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && classes.containsKey(name)) {
                    byte[] b = classes.get(name);
                    c = defineClass(name, b, 0, b.length);
                    defined.add(name);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
