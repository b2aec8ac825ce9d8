package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads are ordinary threads: a guarded ops on a method that 100,000 virtual threads
 * each call once sees every call. The previous build lost some (8 % here on JDK 25): dead threads
 * kept their guard slots until the sweeper ran, and new ones shared one overflow slot. Not yet
 * covered: a callback that blocks while tens of thousands of virtual threads are inside it at once
 * still crowds the slot table (see ThreadGuard).
 */
class VirtualThreadsTest {
    static final int THREADS = 100_000;

    static int work(int x) {
        return x + 1;
    }

    private static long run() throws Exception {
        work(0);
        AtomicLong calls = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            calls.incrementAndGet();
        });
        Ftrace.ftraceSetFilter(ops, VirtualThreadsTest.class.getName() + ".work", false);
        Ftrace.registerFtraceFunction(ops);
        try {
            ExecutorService pool = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            for (int i = 0; i < THREADS; i++) {
                final int x = i;
                pool.execute(() -> work(x));
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        return calls.get();
    }

    @Test
    void everyCallOfEveryVirtualThreadIsSeen() throws Exception {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "virtual threads need JDK 21+");
        assertEquals(THREADS, run(), "a trivial guarded callback lost calls of virtual threads");
    }
}
