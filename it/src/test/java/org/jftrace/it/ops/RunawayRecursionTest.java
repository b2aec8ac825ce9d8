package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * A callback that re-enters itself through traced methods without end (RECURSION_SAFE, calling two
 * traced methods) used to hang the program at 100 % CPU: each unwinding level recursed again. Now
 * the stack overflow turns that ops' callback off with one message, and the program runs on with
 * its own results.
 */
class RunawayRecursionTest {
    @Test
    void runawayCallbackIsTurnedOffAndTheProgramFinishes() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar(), "-Xss1m"),
                RunawayTarget.class)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            String out = jvm.output();
            assertTrue(out.contains("RESULT sum=500500 "), "the program's own result: " + out);
            assertTrue(out.contains("DONE"), out);
            long warnings = out.lines().filter(l -> l.contains("re-entered itself through traced methods")).count();
            assertEquals(1, warnings, "one message naming the runaway ops: " + out);
            assertTrue(out.contains("registered=true"), "the ops stays registered, its callback off: " + out);
            assertTrue(!out.contains("Could not initialize class"), "a JDK class broke near the stack's end: " + out);
        }
    }
}
