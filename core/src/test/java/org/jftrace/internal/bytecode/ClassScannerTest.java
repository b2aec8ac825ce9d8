package org.jftrace.internal.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;

/** The structure walk must read what ASM's visit of every instruction reads, on every class of two JDK modules. */
class ClassScannerTest {
    @Test
    void theWalkReadsWhatAsmReadsOnTheJdk() throws Exception {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> classes;
        try (Stream<Path> s = Stream.of("java.base", "jdk.compiler", "java.desktop")
                .flatMap(m -> walk(jrt.getPath("/modules", m)))) {
            classes = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
        assertTrue(classes.size() > 5000, "a real corpus: " + classes.size());
        int methods = 0;
        int intrinsic = 0;
        int deprecated = 0;
        int noCode = 0;
        int lines = 0;
        for (Path p : classes) {
            byte[] bytes = Files.readAllBytes(p);
            ClassScanner.ScannedClass walk = ClassScanner.scan(bytes);
            ClassScanner.ScannedClass asm = ClassScanner.scanWithAsm(bytes);
            assertEquals(text(asm), text(walk), p.toString());
            for (ClassScanner.ScannedMethod m : walk.methods) {
                methods++;
                intrinsic += m.intrinsicCandidate ? 1 : 0;
                deprecated += (m.access & Opcodes.ACC_DEPRECATED) != 0 ? 1 : 0;
                noCode += m.hasCode ? 0 : 1;
                lines += m.firstLine > 0 ? 1 : 0;
            }
        }
        // the corpus has what the walk must get right, not only plain methods
        assertTrue(methods > 100_000, methods + " methods");
        assertTrue(intrinsic > 100, intrinsic + " intrinsic candidates");
        assertTrue(deprecated > 100, deprecated + " deprecated methods");
        assertTrue(noCode > 1000, noCode + " abstract or native methods");
        assertTrue(lines > methods / 2, lines + " methods with a first line");
    }

    @Test
    void anOldClassFileReadsAlike() {
        byte[] old = HookInstrumenterTest.legacyAbs();
        assertEquals(text(ClassScanner.scanWithAsm(old)), text(ClassScanner.scan(old)));
        assertEquals(49, ClassScanner.scan(old).version);
    }

    @Test
    void aTruncatedClassFileIsAClearError() throws Exception {
        byte[] bytes = Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("/modules/java.base/java/lang/String.class"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassScanner.scan(Arrays.copyOf(bytes, bytes.length / 2)));
        assertTrue(e.getMessage().startsWith("cannot read class file"), e.getMessage());
    }

    private static String text(ClassScanner.ScannedClass c) {
        StringBuilder sb = new StringBuilder(c.internalName + " v" + c.version + " a" + c.access + " " + c.sourceFile + "\n");
        for (ClassScanner.ScannedMethod m : c.methods) {
            sb.append(m.name).append(m.descriptor).append(" a").append(m.access).append(" l").append(m.firstLine)
                    .append(m.intrinsicCandidate ? " intrinsic" : "").append(m.hasCode ? " code" : "").append('\n');
        }
        return sb.toString();
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
