package org.jftrace.it.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC 3.1 and 3.2 under load: 8 threads call hooked methods while one ops is registered and
 * unregistered 1,000 times, once with the default recursion guard and once RECURSION_SAFE. Every
 * call that started after register returned and ended before unregister began runs the callback
 * exactly once; no call runs it twice; no callback runs after unregister returned; nothing throws.
 * Runs in a forked JVM (with the agent) so that a hang is reported with the output, not as a stuck
 * test JVM.
 */
class RegisterUnregisterStressTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void defaultGuard() throws Exception {
        run("guarded");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void recursionSafe() throws Exception {
        run("safe");
    }

    private static void run(String variant) throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar()), StressTarget.class,
                variant, "1000")) {
            int exit = jvm.waitFor(170);
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
            assertEquals("1000", r.get("cycles"), "every cycle ran\n" + out);
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
            assertFalse(out.contains("Exception"), out);
            assertFalse(out.contains("[jftrace] warning"), out);
        }
    }
}
