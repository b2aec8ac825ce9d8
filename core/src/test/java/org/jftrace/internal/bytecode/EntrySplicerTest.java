package org.jftrace.internal.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.TypeReference;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * The splicer must write what ASM writes: both hook every method of real JDK classes, and the two
 * results, printed instruction by instruction by ASM's Textifier (frames, handlers, lines, local
 * variables, max stack), must be the same but for the splicer's alignment {@code nop}s. Then spliced
 * classes must load (the JVM's verifier) and behave as the originals.
 */
class EntrySplicerTest {
    private static final String ENTRY_A = "org/jftrace/internal/boot/Entry$1";
    private static final String ENTRY_B = "org/jftrace/internal/boot/Entry$2";

    @Test
    void attributeNamesAreRecognisedInPlace() {
        byte[] pool = "xxCodeLineNumberTableLineNumberTablfStackMapTable\u00e9Code".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, ClassFileFormat.attributeName(pool, 2, 4));
        assertEquals(2, ClassFileFormat.attributeName(pool, 6, 15));
        assertEquals(-1, ClassFileFormat.attributeName(pool, 21, 15), "one byte off");
        assertEquals(1, ClassFileFormat.attributeName(pool, 36, 13));
        assertEquals(-1, ClassFileFormat.attributeName(pool, 49, 4), "not ASCII");
        assertEquals(-1, ClassFileFormat.attributeName(pool, 2, 3), "a prefix");
    }

    @Test
    void splicedJdkClassesReadAsAsmsOwnOutput() throws Exception {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> classes;
        try (Stream<Path> s = Stream.of("java/util", "java/lang", "java/time", "java/io", "java/net", "java/math",
                "java/text", "sun/nio/fs").flatMap(dir -> walk(jrt.getPath("/modules/java.base", dir)))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
        assertTrue(classes.size() > 1000, "a real corpus: " + classes.size());
        int spliced = 0;
        int switches = 0;
        List<String> refused = new ArrayList<>();
        for (Path p : classes) {
            byte[] original = Files.readAllBytes(p);
            Map<String, Long> ips = new HashMap<>();
            Map<String, String> entries = new HashMap<>();
            hookEveryMethod(original, ips, entries);
            if (ips.isEmpty()) {
                continue;
            }
            byte[] splice = EntrySplicer.splice(original, ips, entries);
            if (splice == null) {
                refused.add(p.toString());
                continue;
            }
            byte[] asm = HookInstrumenter.withAsm(new ClassReader(original), ips, Set.of(), entries, Map.of(),
                    HookInstrumenter.Kind.STATIC);
            String fromAsm = text(asm);
            String fromSplice = text(splice);
            assertEquals(withoutNops(fromAsm), withoutNops(fromSplice), p.toString());
            // no constant per method (the ips are operands): two entries' references, whatever the count
            assertTrue(poolCount(splice) - poolCount(original) <= 9, p + ": " + poolCount(original) + " -> "
                    + poolCount(splice) + " constants for " + ips.size() + " hooks");
            switches += fromSplice.equals(fromAsm) ? 0 : 1;
            spliced++;
        }
        // refused: classes with type annotations on code (offsets the splicer leaves to ASM)
        assertTrue(refused.size() * 100 < classes.size(), "the splicer refused " + refused.size() + ": " + refused);
        assertTrue(spliced > 1000, "spliced " + spliced);
        assertTrue(switches > 50, "methods with switches got the aligned hook: " + switches);
    }

    /**
     * A splice from a list (the core's way: no key per method) writes the same bytes as one from maps,
     * whether the list is in the class file's order (matched in place), reversed (the hash table), or
     * names a method past ASCII (the search); a method the list does not hook stays as it was.
     */
    @Test
    void aSpliceFromAListWritesWhatOneFromMapsWrites() throws Exception {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> classes;
        try (Stream<Path> s = walk(jrt.getPath("/modules/java.base/java/util"))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
        SpliceList list = new SpliceList();
        int compared = 0;
        for (Path p : classes) {
            byte[] original = Files.readAllBytes(p);
            List<ClassScanner.ScannedMethod> methods = ClassScanner.scan(original).methods;
            for (boolean reversed : new boolean[] {false, true}) {
                Map<String, Long> ips = new HashMap<>();
                Map<String, String> entries = new HashMap<>();
                list.reset(methods.size());
                for (int i = 0; i < methods.size(); i++) {
                    ClassScanner.ScannedMethod m = methods.get(reversed ? methods.size() - 1 - i : i);
                    long ip = (i + 1L) << 16;
                    boolean hooked = m.hasCode && i % 3 != 1; // some methods of each class stay unhooked
                    String entry = hooked ? (i % 2 == 0 ? ENTRY_A : ENTRY_B) : null;
                    list.set(i, m.name, m.descriptor, ip, entry);
                    if (hooked) {
                        ips.put(m.name + m.descriptor, ip);
                        entries.put(m.name + m.descriptor, entry);
                    }
                }
                byte[] fromMaps = EntrySplicer.splice(original, ips, entries);
                byte[] fromList = EntrySplicer.splice(original, list);
                assertTrue(fromMaps == null ? fromList == null : java.util.Arrays.equals(fromMaps, fromList),
                        p + (reversed ? " (list reversed)" : ""));
                compared += fromMaps == null ? 0 : 1;
            }
        }
        assertTrue(compared > 500, "compared " + compared);

        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Names", null, "java/lang/Object", null);
        for (String name : new String[] {"plain", "caf\u00e9", "na\u00efve"}) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()I", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        byte[] names = cw.toByteArray();
        list.reset(3);
        list.set(0, "na\u00efve", "()I", 3L << 16, ENTRY_B); // out of order, past ASCII
        list.set(1, "plain", "()I", 1L << 16, null);
        list.set(2, "caf\u00e9", "()I", 2L << 16, ENTRY_A);
        byte[] fromList = EntrySplicer.splice(names, list);
        byte[] fromMaps = EntrySplicer.splice(names, Map.of("caf\u00e9()I", 2L << 16, "na\u00efve()I", 3L << 16),
                Map.of("caf\u00e9()I", ENTRY_A, "na\u00efve()I", ENTRY_B));
        assertNotNull(fromList);
        assertTrue(java.util.Arrays.equals(fromMaps, fromList), text(fromList));
        assertTrue(text(fromList).contains(ENTRY_B + ".enter"), "the non-ASCII names were hooked: " + text(fromList));
    }

    @Test
    void splicedCorpusLoadsAndBehavesAsTheOriginal() throws Exception {
        Map<String, byte[]> rewritten = new HashMap<>();
        for (String simple : new String[] {"Corpus", "Corpus$BranchyInit", "Corpus$Point", "Corpus$Color",
            "Corpus$WithDefault", "Corpus$Impl"}) {
            String name = "org.jftrace.internal.bytecode." + simple;
            byte[] original = HookInstrumenterTest.classBytes(name);
            Map<String, Long> ips = new HashMap<>();
            Map<String, String> entries = new HashMap<>();
            hookEveryMethod(original, ips, entries);
            entries.replaceAll((k, v) -> HookInstrumenterTest.CountingEntry.class.getName().replace('.', '/'));
            byte[] out = EntrySplicer.splice(original, ips, entries);
            assertNotNull(out, name);
            rewritten.put(name, out);
        }
        HookInstrumenterTest.CountingEntry.calls = 0;
        HookInstrumenterTest.CountingEntry.IPS.clear();
        ClassLoader loader = new HookInstrumenterTest.ChildFirst(rewritten, getClass().getClassLoader());
        Class<?> corpus = Class.forName("org.jftrace.internal.bytecode.Corpus", true, loader);
        Method results = corpus.getDeclaredMethod("results");
        results.setAccessible(true);
        assertEquals(Corpus.results(), results.invoke(null));
        assertTrue(HookInstrumenterTest.CountingEntry.IPS.size() > 5, "hooks ran: " + HookInstrumenterTest.CountingEntry.IPS);
    }

    /** A first frame near offset 63 outgrows its short form (same_frame and same_locals_1_stack_item). */
    @Test
    void firstFramesPastTheShortFormsAreExtended() throws Exception {
        for (int pad : new int[] {0, 55, 57, 58, 63, 70}) {
            for (boolean handler : new boolean[] {false, true}) {
                byte[] original = frameAt(pad, handler);
                Map<String, Long> ips = Map.of("f(I)I", 5L << 16);
                Map<String, String> entries = Map.of("f(I)I", HookInstrumenterTest.CountingEntry.class.getName().replace('.', '/'));
                byte[] splice = EntrySplicer.splice(original, ips, entries);
                assertNotNull(splice);
                byte[] asm = HookInstrumenter.withAsm(new ClassReader(original), ips, Set.of(), entries, Map.of(),
                        HookInstrumenter.Kind.STATIC);
                assertEquals(withoutNops(text(asm)), withoutNops(text(splice)), "pad " + pad + " handler " + handler);
                Class<?> k = new HookInstrumenterTest.ChildFirst(Map.of("gen.Frames", splice), getClass().getClassLoader())
                        .loadClass("gen.Frames");
                assertEquals(handler ? -1 : 3, k.getMethod("f", int.class).invoke(null, 0), "pad " + pad);
                assertEquals(handler ? -1 : 7, k.getMethod("f", int.class).invoke(null, 7), "pad " + pad);
            }
        }
    }

    @Test
    void typeAnnotationsOnCodeAndOtherHooksAreLeftToAsm() throws Exception {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Annotated", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "g", "()Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/Object");
        mv.visitInsnAnnotation(TypeReference.newTypeReference(TypeReference.NEW).getValue(), null, "Lgen/A;", true).visitEnd();
        mv.visitInsn(Opcodes.DUP);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] original = cw.toByteArray();
        Map<String, Long> ips = Map.of("g()Ljava/lang/Object;", 9L << 16);
        Map<String, String> entries = Map.of("g()Ljava/lang/Object;", ENTRY_A);
        assertNull(EntrySplicer.splice(original, ips, entries), "type annotation offsets: ASM's");
        assertNull(EntrySplicer.splice(original, ips, Map.of()), "no entry named: another kind of hook");
        // and HookInstrumenter falls back to ASM, which hooks it
        byte[] out = HookInstrumenter.instrument(original, ips, Set.of(), entries, HookInstrumenter.Kind.STATIC);
        assertTrue(text(out).contains("INVOKESTATIC " + ENTRY_A + ".enter (II)V"), text(out));
        assertNull(EntrySplicer.splice(new byte[] {1, 2, 3}, ips, entries), "not a class file");
    }

    @Test
    void oldClassFilesWithoutFramesAreSpliced() throws Exception {
        byte[] out = EntrySplicer.splice(HookInstrumenterTest.legacyAbs(), Map.of("abs(I)I", 7L << 16),
                Map.of("abs(I)I", HookInstrumenterTest.CountingEntry.class.getName().replace('.', '/')));
        assertNotNull(out);
        HookInstrumenterTest.CountingEntry.IPS.clear();
        Class<?> legacy = new HookInstrumenterTest.ChildFirst(Map.of("old.Legacy", out), getClass().getClassLoader())
                .loadClass("old.Legacy");
        assertEquals(5, legacy.getMethod("abs", int.class).invoke(null, -5));
        assertEquals(Set.of(7L << 16), HookInstrumenterTest.CountingEntry.IPS);
    }

    private static int poolCount(byte[] classFile) {
        return (classFile[8] & 0xFF) << 8 | classFile[9] & 0xFF;
    }

    /**
     * Every method with code, alternately calling two entries (two method references in one pool);
     * the indices start just under 98,304, where the low half of an index turns negative as a
     * {@code sipush} operand, past the high half's first step.
     */
    private static void hookEveryMethod(byte[] original, Map<String, Long> ips, Map<String, String> entries) {
        long ip = 98_300L << 16;
        for (ClassScanner.ScannedMethod m : ClassScanner.scan(original).methods) {
            if (m.hasCode) {
                ips.put(m.name + m.descriptor, ip);
                entries.put(m.name + m.descriptor, (ip >> 16) % 2 == 0 ? ENTRY_A : ENTRY_B);
                ip += 1L << 16;
            }
        }
    }

    /**
     * {@code static int f(int x)} whose first frame comes after {@code pad} nops: a branch target
     * (same_frame), or a catch handler (same_locals_1_stack_item) over code that may throw.
     */
    private static byte[] frameAt(int pad, boolean handler) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Frames", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "(I)I", null, null);
        mv.visitCode();
        Label target = new Label();
        if (handler) {
            Label start = new Label();
            Label end = new Label();
            mv.visitTryCatchBlock(start, end, target, "java/lang/RuntimeException");
            mv.visitLabel(start);
            for (int i = 0; i < pad; i++) {
                mv.visitInsn(Opcodes.NOP);
            }
            mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
            mv.visitInsn(Opcodes.DUP);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V", false);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(end);
            mv.visitLabel(target);
            mv.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/RuntimeException"});
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.ICONST_M1);
            mv.visitInsn(Opcodes.IRETURN);
        } else {
            Label zero = new Label();
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitJumpInsn(Opcodes.IFEQ, zero);
            for (int i = 0; i < pad; i++) {
                mv.visitInsn(Opcodes.NOP);
            }
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitLabel(zero);
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitInsn(Opcodes.ICONST_3);
            mv.visitInsn(Opcodes.IRETURN);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static String text(byte[] b) {
        StringWriter sw = new StringWriter();
        new ClassReader(b).accept(new TraceClassVisitor(new PrintWriter(sw)), 0);
        return sw.toString();
    }

    private static String withoutNops(String text) {
        return text.lines().filter(l -> !l.trim().equals("NOP")).collect(Collectors.joining("\n", "", "\n"));
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir).collect(Collectors.toList()).stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
