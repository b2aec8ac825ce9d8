package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;

/**
 * Reliability, faults (issue 12; SPEC 3.2, 3.11, 3.12), each in a JVM of its own
 * ({@link FaultsTarget}). Extends what {@code ops/CallbackErrorsTest} (one exception type, one
 * thread), {@code ops/RecursionTest}, {@code ops/RunawayRecursionTest} and
 * {@code ops/UnregisterInCallbackTest} (one thread) cover: every kind of throwable, on 4 threads,
 * guarded and RECURSION_SAFE; a callback that blocks while unregister waits for it; recursion on 4
 * threads; 50 rounds of callbacks on 4 threads racing to unregister their own ops; a class the JVM
 * refuses to retransform in a batch with three that must be hooked; the agent loaded four times;
 * System.exit from a callback and while callbacks block and unregister waits.
 *
 * And a failure inside jftrace, caused by {@code -Djftrace.faultInjection}, that must turn it off
 * (KillSwitch, the kernel's ftrace_bug) while the program runs on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FaultsTest {
    @TempDir
    Path tmp;

    private static List<String> agent(String... more) {
        List<String> a = new ArrayList<>();
        a.add("-javaagent:" + ForkedJvm.agentJar());
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void anInternalFailureTurnsJftraceOffAndTheProgramRunsOn() throws Exception {
        List<String> jvmArgs = agent("-javaagent:" + ChurnTest.captureAgentJar(tmp) + "=post",
                "-Djftrace.faultInjection=hook-change:third");
        try (ForkedJvm jvm = ForkedJvm.start(jvmArgs, KillSwitchTarget.class)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            String out = jvm.output();
            Map<String, String> r = Reliability.result(jvm, "faults-kill");
            Reliability.assertZero(r, out, "failures", "callbacksAfter");
            assertEquals("true", r.get("hookedBytesBefore"), "the class was hooked before the fault\n" + out);
            assertEquals("ENODEV", r.get("thirdRegister"), out);
            assertEquals(r.get("laterCalls"), r.get("laterEnodev"), "every later call ENODEV\n" + out);
            assertEquals("true", r.get("originalBytes"), "the hooked class gets its original bytes back\n" + out);
            // one report of the failure, naming the injected fault; nothing else from jftrace
            List<String> reports = jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).toList();
            assertTrue(reports.stream().anyMatch(l -> l.contains("jftrace disabled") && l.contains("fault injected")),
                    out);
            assertEquals(List.of(), Reliability.troubles(jvm, List.of("jftrace disabled", "\tat ", "fault injected")),
                    out);
        }
    }

    @Test
    void callbacksThatThrowBlockRecurseAndUnregisterThemselves() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(agent(), FaultsTarget.class, "callbacks")) {
            assertEquals(0, jvm.waitFor(240), jvm.output());
            Map<String, String> r = Reliability.result(jvm, "faults-callbacks");
            String out = jvm.output();
            Reliability.assertZero(r, out, "failures", "enabledAfter");
            assertFalse(out.contains("ESCAPED") || out.contains("FAILURE"), out);
            // jftrace reports a callback's failure once per ops, not per call
            long reports = jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).count();
            assertTrue(reports <= 14 + 4, "reports: " + reports + "\n" + out);
            jvm.lines().stream().filter(l -> l.startsWith("THROWS ") || l.startsWith("BLOCKS ")
                    || l.startsWith("RECURSES ") || l.startsWith("SELF-UNREGISTER ")).forEach(System.out::println);
        }
    }

    @Test
    void aClassTheJvmRefusesToRetransformIsSkippedAndTheRestOfItsBatchHooked() throws Exception {
        Path jar = tmp.resolve("refuse.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", RefuseAgent.class.getName());
        mf.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o, mf)) {
            // the manifest only: RefuseAgent comes from the test classes
        }
        Path asm = Path.of(ClassReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (ForkedJvm jvm = ForkedJvm.startWithClassPath(agent("-javaagent:" + jar), List.of(asm), FaultsTarget.class,
                "refused")) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            Map<String, String> r = Reliability.result(jvm, "faults-refused");
            String out = jvm.output();
            Reliability.assertZero(r, out, "failures", "enabledAfter", "refusedSeen");
            assertEquals("300", r.get("seen"), "the three other classes of the batch are hooked\n" + out);
            assertEquals("true", r.get("resultsRight"), out);
            List<String> warnings = jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).toList();
            assertEquals(1, warnings.size(), out);
            assertTrue(warnings.get(0).contains("class " + FaultsTarget.Refused.class.getName()
                    + " cannot be retransformed, skipped"), out);
        }
    }

    @Test
    void theAgentLoadedFourTimesStartsOnce() throws Exception {
        Path go = tmp.resolve("go");
        List<String> jvmArgs = agent("-javaagent:" + ForkedJvm.agentJar());
        if (ForkedJvm.jdkVersion() >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading");
        }
        try (ForkedJvm jvm = ForkedJvm.start(jvmArgs, FaultsTarget.class, "twice", go.toString())) {
            jvm.awaitLine("ready"::equals, 60);
            Process p = new ProcessBuilder(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString(),
                    Long.toString(jvm.pid())).redirectErrorStream(true).start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), answer);
            assertEquals(0, p.exitValue(), answer);
            assertTrue(answer.contains("jftrace in JVM " + jvm.pid() + ": installed"), answer);
            Files.writeString(go, "go");
            assertEquals(0, jvm.waitFor(60), jvm.output());
            Map<String, String> r = Reliability.result(jvm, "faults-agent-twice");
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), jvm.output());
            Reliability.assertZero(r, jvm.output(), "failures");
            assertEquals("300", r.get("seen"), "one callback per call, however often the agent was loaded");
        }
    }

    @Test
    void systemExitFromACallbackEndsTheJvm() throws Exception {
        long t0 = System.nanoTime();
        try (ForkedJvm jvm = ForkedJvm.start(agent(), FaultsTarget.class, "exit-callback")) {
            int exit = jvm.waitFor(60); // bounded: a hang at exit fails here
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String out = jvm.output();
            assertEquals(7, exit, out);
            assertTrue(jvm.lines().contains("EXITING from a callback"), out);
            assertTrue(jvm.lines().stream().anyMatch(l -> l.startsWith("HOOK target=41")), "the shutdown hook ran\n" + out);
            assertFalse(out.contains("NOT-EXITED"), out);
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), out);
            record("faults-exit-callback", 7, ms);
        }
    }

    @Test
    void systemExitWhileCallbacksBlockAndUnregisterWaitsEndsTheJvm() throws Exception {
        long t0 = System.nanoTime();
        try (ForkedJvm jvm = ForkedJvm.start(agent(), FaultsTarget.class, "exit-blocked")) {
            int exit = jvm.waitFor(50); // the blocked callbacks sleep 60 s: waiting for them fails here
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String out = jvm.output();
            assertEquals(9, exit, out);
            assertTrue(out.contains("EXITING with 4 callbacks blocked and unregister waiting (alive=true)"), out);
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), out);
            record("faults-exit-blocked", 9, ms);
        }
    }

    private static void record(String scenario, int exit, long ms) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("exit", exit);
        f.put("jvmMs", ms);
        f.put("failures", 0);
        Reliability.record(scenario, f);
    }
}
