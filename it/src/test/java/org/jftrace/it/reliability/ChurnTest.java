package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.jftrace.it.ForkedJvm;
import org.jftrace.it.install.CaptureAgent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability, churn under load (issue 12; SPEC 3.1 to 3.3, 3.11): {@link ChurnTarget}'s 8 workers
 * call hooked methods while 5 churners register, unregister and change filters and notrace lists
 * for {@code -Djftrace.reliability.seconds} seconds (10 by default, as in CI), on platform
 * threads and on virtual threads (JDK 21+). No call may be seen after its unregister returned, none
 * missed (or seen when it should not be) while no change overlapped it, no exception may reach the
 * program, and at the end nothing is hooked and ChurnWork has its original bytes.
 */
class ChurnTest {
    @TempDir
    Path tmp;

    @Test
    void platformThreads() throws Exception {
        run("platform");
    }

    @Test
    void virtualThreads() throws Exception {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "virtual threads are JDK 21+");
        run("virtual");
    }

    /** {@return a jar of the {@link CaptureAgent} (its manifest: the class comes from the test classes)} */
    static Path captureAgentJar(Path dir) throws IOException {
        Path capture = dir.resolve("capture.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", CaptureAgent.class.getName());
        mf.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = Files.newOutputStream(capture); JarOutputStream jar = new JarOutputStream(out, mf)) {
            // the manifest only
        }
        return capture;
    }

    private void run(String threads) throws Exception {
        int seconds = Reliability.seconds(10);
        List<String> jvmArgs = List.of("-javaagent:" + ForkedJvm.agentJar(),
                "-javaagent:" + captureAgentJar(tmp) + "=post");
        try (ForkedJvm jvm = ForkedJvm.start(jvmArgs, ChurnTarget.class, threads, Integer.toString(seconds))) {
            int exit = jvm.waitFor(120 + seconds * 2L); // bounded: a deadlock fails here
            String out = jvm.output();
            assertEquals(0, exit, out);
            Map<String, String> r = Reliability.result(jvm, "churn-" + threads);
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), out);
            Reliability.assertZero(r, out, "missed", "extra", "dup", "late", "foreign", "argMismatch", "workerErrors",
                    "churnErrors", "callbackErrors", "enabledAfter", "failures");
            assertEquals("false", r.get("stillRegistered"), out);
            assertEquals("true", r.get("originalBytes"), "ChurnWork must get its original bytes back\n" + out);
            assertTrue(Long.parseLong(r.get("windows")) > 10_000, "too few checked calls to mean much: " + r);
            assertTrue(Long.parseLong(r.get("opsChurned")) > 100, "too few changes to mean much: " + r);
            assertTrue(Long.parseLong(r.get("registers")) > 10, r.toString());
        }
    }
}
