package org.jftrace.it.everything;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Trace everything" on a real workload (SPEC 3.1 empty filter, 3.12 never break the program): an
 * ops with an empty filter on every traceable method of the JVM, classes loaded later included,
 * while javac compiles four sources in-process, under full bytecode verification. The program must
 * behave exactly as without the agent: same compiler output byte for byte, same results, no
 * VerifyError or other linkage failure.
 */
class TraceEverythingTest {
    private static final List<String> BROKEN = List.of("VerifyError", "LinkageError", "StackOverflowError",
            "ClassCircularityError", "NoClassDefFoundError", "IncompatibleClassChangeError", "BootstrapMethodError",
            "ExceptionInInitializerError", "Exception in thread", "OutOfMemoryError");

    /** Full verification of every class, boot classes included. */
    static List<String> verifyAll() {
        // -Xverify:all is accepted without a warning by JDK 17 and 25 alike and sets the diagnostic flags
        // BytecodeVerificationLocal/Remote; unlocking diagnostic options lets the target read them back.
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-Xverify:all");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void traceEverythingWhileJavacCompiles(@TempDir Path tmp) throws Exception {
        List<String> plainLines;
        try (ForkedJvm plain = ForkedJvm.start(verifyAll(), EverythingTarget.class, "plain", tmp.toString())) {
            assertEquals(0, plain.waitFor(300), plain.output());
            plainLines = plain.lines();
            checkCommon(plain, false);
        }
        List<String> jvmArgs = new ArrayList<>(verifyAll());
        jvmArgs.add("-javaagent:" + ForkedJvm.agentJar());
        try (ForkedJvm traced = ForkedJvm.start(jvmArgs, EverythingTarget.class, "trace", tmp.toString())) {
            int exit = traced.waitFor(480);
            String out = traced.output();
            assertEquals(0, exit, out);
            checkCommon(traced, true);
            List<String> tracedHashes = traced.lines().stream().filter(l -> l.startsWith("HASH ")).toList();
            List<String> plainHashes = plainLines.stream().filter(l -> l.startsWith("HASH ")).toList();
            assertEquals(plainHashes, tracedHashes, "javac must produce the same class files with everything traced");

            String enabled = line(traced, "ENABLED ");
            String[] e = enabled.split("[ =]");
            int atRegister = Integer.parseInt(e[2]);
            int whileRegistered = Integer.parseInt(e[4]);
            int after = Integer.parseInt(e[6]);
            long callbacks = Long.parseLong(line(traced, "CALLBACKS ").substring("CALLBACKS ".length()));
            System.out.println("[trace-everything] " + enabled + "; " + line(traced, "CALLBACKS ") + "; "
                    + line(traced, "TIMING ") + "; plain " + plainLines.stream().filter(l -> l.startsWith("TIMING "))
                            .findFirst().orElse("?"));
            assertTrue(atRegister > 1000, "hooked methods at register: " + enabled);
            assertTrue(whileRegistered >= atRegister, "classes loaded later (javac) are hooked too: " + enabled);
            assertEquals(0, after, enabled);
            assertTrue(callbacks > 0, "callbacks: " + callbacks);
            assertEquals("LATE 0", line(traced, "LATE "), "callbacks after unregister returned\n" + out);
            assertEquals("ERRORS 0", line(traced, "ERRORS "), out);
        }
    }

    private static void checkCommon(ForkedJvm jvm, boolean trace) {
        String out = jvm.output();
        for (String bad : BROKEN) {
            assertFalse(out.contains(bad), bad + " in the output:\n" + out);
        }
        assertEquals("VERIFY local=true remote=true", line(jvm, "VERIFY "), "full verification must be on\n" + out);
        assertEquals("AGENT " + trace, line(jvm, "AGENT "), out);
        assertEquals("COMPILE ok", line(jvm, "COMPILE "), out);
        assertEquals("RUN " + Workload.EXPECTED, line(jvm, "RUN "), out);
        assertEquals(Workload.SOURCES.size() + 2, jvm.lines().stream().filter(l -> l.startsWith("HASH ")).count(),
                "class files (Point, Box, Shape, Shape$Circle, Shape$Rect, Main)\n" + out);
        assertTrue(jvm.lines().contains("DONE"), out);
    }

    private static String line(ForkedJvm jvm, String prefix) {
        return jvm.lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix + ":\n" + jvm.output()));
    }
}
