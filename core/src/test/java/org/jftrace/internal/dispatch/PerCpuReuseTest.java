package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.junit.jupiter.api.Test;

/** A PER_CPU id handed back by a collected ops starts disabled on every thread for its next ops. */
class PerCpuReuseTest {
    @Test
    void aReusedIdStartsDisabledOnEveryThread() throws Exception {
        int reused = 0;
        for (int round = 0; round < 50; round++) {
            int id = enableAndDrop();
            System.gc();
            Thread.sleep(10);
            LiveOps fresh = new LiveOps(FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(Flag.PER_CPU));
            if (fresh.perCpuId == id) {
                reused++;
            }
            assertFalse(ThreadGuard.ofCurrentThread().perCpuEnabled(fresh.perCpuId),
                    "a fresh PER_CPU ops (id " + fresh.perCpuId + ") found this thread's counter enabled");
        }
        assertTrue(reused > 0, "no id was ever reused: the test proved nothing");
    }

    /** Makes a PER_CPU ops, enables it on this thread, drops it. {@return its id} */
    private static int enableAndDrop() {
        LiveOps live = new LiveOps(FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(Flag.PER_CPU));
        assertTrue(ThreadGuard.ofCurrentThread().perCpuAdd(live.perCpuId, -1));
        return live.perCpuId;
    }
}
