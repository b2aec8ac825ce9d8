package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reliability, leaks (issue 12; SPEC 3.12): class loaders dropped while their class is hooked, with
 * each flag, are collected, and the function table and the heap stay flat over thousands of cycles
 * ({@link LeaksTarget}, a JVM per flag). Builds on {@code ops/ClassLoaderLeakTest} (loaders dropped
 * after unregister, one cycle each) and {@code ops/TableChurnTest} (RECURSION_SAFE only).
 * {@value #CI_CYCLES} cycles per flag; {@code -Djftrace.reliability.long=true} runs 20,000.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LeaksTest {
    static final int CI_CYCLES = 2_000;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "saveregs", "ipmodify", "percpu", "exits"})
    void loadersDroppedWhileHookedAreCollected(String flag) throws Exception {
        int cycles = Reliability.scale(CI_CYCLES, 20_000);
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar(), "-Xmx512m"),
                LeaksTarget.class, flag, Integer.toString(cycles))) {
            assertEquals(0, jvm.waitFor(Reliability.longRun() ? 1200 : 240), jvm.output());
            Map<String, String> r = Reliability.result(jvm, "leaks-" + flag);
            String out = jvm.output();
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), out);
            assertEquals(Integer.toString(cycles), r.get("calls"), "every loader's class was hooked\n" + out);
            assertTrue(Integer.parseInt(r.get("classWalks")) < 10,
                    "a class hooked as it loads is found without walking every loaded class, cycle after cycle\n" + out);
            assertTrue(Integer.parseInt(r.get("invokers")) < 10,
                    "the IPMODIFY invokers of unloaded classes are let go with their records\n" + out);
            assertTrue(Long.parseLong(r.get("slotsAfter")) - Long.parseLong(r.get("slotsBefore")) <= 4 * 1024,
                    "the index by method id lets go of the pages of unloaded classes\n" + out);
            Reliability.assertZero(r, out, "wrongResults", "loadersAlive", "callbackErrors", "enabledAfter", "failures");
        }
    }
}
