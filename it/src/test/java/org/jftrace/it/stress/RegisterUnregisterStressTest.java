package org.jftrace.it.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * Register and unregister under load (a call that starts after register returned runs the callback;
 * none runs after unregister returned): 8 threads call hooked methods while one ops is registered and
 * unregistered again and again, once with the default recursion guard and once RECURSION_SAFE. Every
 * call that started after register returned and ended before unregister began runs the callback
 * exactly once; no call runs it twice; no callback runs after unregister returned; nothing throws,
 * and jftrace reports no warning. Runs in a forked JVM (with the agent) so that a hang is reported
 * with the output, not as a stuck test JVM.
 *
 * <p>Cycles: {@value #DEFAULT_CYCLES} per variant by default (about 10 to 20 s each on 2 CPUs), so that
 * the build stays quick; the system property {@code jftrace.stress.cycles} sets another count, e.g.
 * the full run {@code mvn verify -pl it -Dtest=RegisterUnregisterStressTest -Djftrace.stress.cycles=1000}
 * (about 45 and 75 s on 2 CPUs). The forked JVM gets 60 s plus 0.3 s per cycle.
 */
class RegisterUnregisterStressTest {
    /** Register/unregister cycles per variant unless {@code -Djftrace.stress.cycles=N} says otherwise. */
    static final int DEFAULT_CYCLES = 200;
    private static final int CYCLES = Integer.getInteger("jftrace.stress.cycles", DEFAULT_CYCLES);

    @Test
    void defaultGuard() throws Exception {
        run("guarded");
    }

    @Test
    void recursionSafe() throws Exception {
        run("safe");
    }

    private static void run(String variant) throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar()), StressTarget.class,
                variant, Integer.toString(CYCLES))) {
            int exit = jvm.waitFor(60 + CYCLES * 3L / 10);
            String out = jvm.output();
            assertEquals(0, exit, out);
            String result = jvm.lines().stream().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line:\n" + out));
            System.out.println("[stress " + variant + "] " + result);
            jvm.lines().stream().filter(l -> l.startsWith("TIMING ")).forEach(l -> System.out.println("[stress " + variant + "] " + l));
            Map<String, String> r = new HashMap<>();
            for (String kv : result.substring("RESULT ".length()).split(" ")) {
                int eq = kv.indexOf('=');
                r.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            assertEquals(variant, r.get("variant"), out);
            assertEquals(Integer.toString(CYCLES), r.get("cycles"), "every cycle ran\n" + out);
            assertEquals("false", r.get("registrarError"), out);
            assertEquals("0", r.get("workerErrors"), out);
            assertEquals("0", r.get("callbackErrors"), out);
            assertEquals("0", r.get("missed"), "calls inside a registered window without a callback\n" + out);
            assertEquals("0", r.get("dup"), "calls with two callbacks, or a callback for an unhooked method\n" + out);
            assertEquals("0", r.get("late"), "callbacks after unregister returned\n" + out);
            assertEquals("0", r.get("foreign"), "callbacks on threads that do not call the methods\n" + out);
            assertEquals("3", r.get("enabledWhile"), out);
            assertEquals("0", r.get("enabledAfter"), out);
            assertEquals("false", r.get("registered"), out);
            long windows = Long.parseLong(r.get("windows"));
            assertTrue(windows >= 1000, "too few calls inside registered windows for the check to mean much: " + result);
            assertEquals(windows, Long.parseLong(r.get("windowsOk")), out);
            // What jftrace reports (a callback's exception, an internal failure) and what no thread caught.
            List<String> reports = jvm.lines().stream()
                    .filter(l -> l.startsWith("[jftrace] warning") || l.startsWith("Exception in thread ")).toList();
            assertEquals(List.of(), reports, out);
        }
    }
}
