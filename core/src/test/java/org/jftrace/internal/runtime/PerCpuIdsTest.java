package org.jftrace.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.internal.dispatch.ThreadGuard;
import org.junit.jupiter.api.Test;

/**
 * PER_CPU ops made and dropped in great numbers do not grow every thread's counter array: an id
 * goes back to the pool once its ops is collected, with every thread's counter reset.
 */
class PerCpuIdsTest {
    @Test
    void perCpuOpsMadeAndDropped100000TimesDoNotGrowThePerThreadCounters() throws Exception {
        CoreBackend core = new CoreBackend(new FakeClasses());
        int before = ThreadGuard.ofCurrentThread().perCpuCapacity();
        for (int i = 0; i < 100_000; i++) {
            FtraceOps o = FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(Flag.PER_CPU);
            core.localEnable(o); // this thread's counter of the ops: enabled
            if (i % 5_000 == 4_999) {
                System.gc(); // let collected ops hand their ids back
                Thread.sleep(20);
            }
        }
        int after = ThreadGuard.ofCurrentThread().perCpuCapacity();
        // Without reuse the array grows past 100,000 ids; with it, to about the ops alive between two collections.
        assertTrue(after <= Math.max(before, 1 << 14), "per-thread PER_CPU counters grew to " + after + " (from " + before + ")");
    }
}
