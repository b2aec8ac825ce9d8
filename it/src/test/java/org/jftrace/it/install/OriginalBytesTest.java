package org.jftrace.it.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 1, dynamic ftrace: "when the last ops leaves a class, the class gets its original
 * bytecode back". A second agent, loaded before and after jftrace, records the bytes jftrace's
 * transformer is offered and produces; after unregister they must be byte-for-byte the bytes produced
 * before any hook, for a user class (invokedynamic hooks) and for java.util.HashMap (static-call
 * hooks). The baseline is the second hook-free retransform: see {@link CaptureTarget} for why the
 * first one can differ for CDS-archived classes (HashMap), without jftrace too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OriginalBytesTest {

    @Test
    void unhookedClassGetsOriginalBytesBack(@TempDir Path tmp) throws Exception {
        Path capture = tmp.resolve("capture.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", CaptureAgent.class.getName());
        mf.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = Files.newOutputStream(capture); JarOutputStream jar = new JarOutputStream(out, mf)) {
            // the manifest only: CaptureAgent comes from the test classes on the class path
        }
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + capture + "=pre",
                "-javaagent:" + ForkedJvm.agentJar(), "-javaagent:" + capture + "=post"),
                CaptureTarget.class)) {
            int exit = jvm.waitFor(120);
            String out = jvm.output();
            assertEquals(0, exit, out);
            for (String cls : List.of(Victim.class.getName(), "java.util.HashMap")) {
                String r = jvm.lines().stream().filter(l -> l.startsWith("RESULT " + cls + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no RESULT for " + cls + ":\n" + out));
                assertTrue(r.contains(" baselinePassedThrough=true"), "no hook, no change: " + r + "\n" + out);
                assertTrue(r.contains(" hookedDiffers=true"), "the hook must change the bytes: " + r + "\n" + out);
                assertTrue(r.contains(" afterPassedThrough=true"),
                        "after unregister jftrace must hand on what it is offered: " + r + "\n" + out);
                assertTrue(r.contains(" sameAsBaseline=true"), "unhooked bytes must equal the original: " + r + "\n" + out);
                assertTrue(r.contains(" sameAgain=true"), r + "\n" + out);
                assertTrue(r.contains(" late=0"), r + "\n" + out);
                assertTrue(r.contains(" enabledWhile=1"), r + "\n" + out);
                assertTrue(r.contains(" enabledAfter=0"), r + "\n" + out);
                assertFalse(r.contains(" calls=0 "), "the hook must have fired: " + r + "\n" + out);
            }
            assertTrue(jvm.lines().contains("enabledAtEnd 0"), out);
            assertTrue(jvm.lines().contains("DONE"), out);
            assertFalse(out.contains("[jftrace] warning"), out);
        }
    }
}
