package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;

/** RCU (SPEC 3.10): not on the JVM's system threads nor after shutdown began; a plain ops is called there. */
class RcuTest {
    @Test
    void rcuOpsSkipsFinalizerCleanerAndShutdownHooksPlainOpsDoesNot() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar(),
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED"), RcuTarget.class)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            String out = jvm.output();
            assertEquals("finalized=true cleaned=true", jvm.awaitLine(l -> l.startsWith("finalized="), 1), out);
            assertEquals("rcu={main=1}", jvm.awaitLine(l -> l.startsWith("rcu="), 1), out);
            assertEquals("plain={Common-Cleaner=1, Finalizer=1, main=1, shutdown=1}",
                    jvm.awaitLine(l -> l.startsWith("plain="), 1), out);
        }
    }
}
