package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads are ordinary threads: a guarded ops on a method that 100,000 virtual threads
 * each call once sees every call, whatever its callback does. Earlier builds lost calls: dead
 * threads kept their guard slots until the sweeper ran (8 % lost), and threads that found no slot
 * near their home shared one overflow flag, so a callback that blocks while thousands of virtual
 * threads are inside it skipped most of the others (60 % lost on JDK 25). Only the recursion rule
 * may refuse a call: a callback that calls the traced method again on its own thread.
 */
class VirtualThreadsTest {
    static final int THREADS = 100_000;
    static final AtomicLong BODIES = new AtomicLong();

    static int work(int x) {
        BODIES.incrementAndGet();
        return x + 1;
    }

    /** Runs {@code THREADS} virtual threads that call {@link #work} once each; {@return the callbacks seen} */
    private static long run(FtraceFunc callback, AtomicLong calls) throws Exception {
        work(0);
        FtraceOps ops = FtraceOps.of(callback);
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
        AtomicLong calls = new AtomicLong();
        assertEquals(THREADS, run((ip, parentIp, op, regs) -> calls.incrementAndGet(), calls),
                "a trivial guarded callback lost calls of virtual threads");
    }

    /**
     * How many virtual threads the blocking callbacks below hold inside at once: more than the guard's
     * table (16,384 slots) places, whatever the machine's speed. The first {@code CROWD} callbacks
     * block, 1 ms at a time, until that many came in (or a deadline passed: the old guard skipped
     * callbacks, which then never came in).
     */
    static final int CROWD = 20_000;

    /** Blocks with {@code once} until {@link #CROWD} callbacks came in, or 20 s passed. */
    private static void untilCrowded(AtomicLong calls, long start, Runnable once) {
        while (calls.get() < CROWD && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
            once.run();
        }
    }

    @Test
    // 20,000 virtual threads sleep inside the callback at once: each still has a guard of its own
    void aCallbackThatSleepsSeesEveryCall() throws Exception {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "virtual threads need JDK 21+");
        AtomicLong calls = new AtomicLong();
        long start = System.nanoTime();
        assertEquals(THREADS, run((ip, parentIp, op, regs) -> {
            calls.incrementAndGet();
            untilCrowded(calls, start, () -> {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }, calls), "a guarded callback that sleeps lost calls of virtual threads");
    }

    @Test
    // 20,000 at once again, parking and yielding (both unmount the virtual thread); and a nested call of the
    // traced method from the callback is still refused (the recursion rule), spilled or not
    void aCallbackThatParksSeesEveryCallAndStillRefusesRecursion() throws Exception {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "virtual threads need JDK 21+");
        AtomicLong calls = new AtomicLong();
        long bodies = BODIES.get();
        long start = System.nanoTime();
        assertEquals(THREADS, run((ip, parentIp, op, regs) -> {
            calls.incrementAndGet();
            untilCrowded(calls, start, () -> {
                LockSupport.parkNanos(1_000_000);
                Thread.yield();
            });
            work(-1); // re-enters the traced method: its callback is refused, its body runs
        }, calls), "a guarded callback that parks lost calls, or ran again for a nested call");
        assertEquals(2L * THREADS + 1, BODIES.get() - bodies, "every outer and nested body ran once (+1: run's own)");
    }

    @Test
    // platform threads too: with a table of 64 slots, 300 threads are inside the callback at the
    // same moment (each waits there for all the others)
    void morePlatformThreadsInCallbacksAtOnceThanTheTablePlaces() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar(), "-Djftrace.threadSlots=64"),
                CrowdedPlatformThreads.class)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            assertEquals("callbacks=" + CrowdedPlatformThreads.THREADS + " together=true nested=0",
                    jvm.awaitLine(l -> l.startsWith("callbacks="), 1), jvm.output());
        }
    }

    /** The forked JVM of {@link #morePlatformThreadsInCallbacksAtOnceThanTheTablePlaces}. */
    public static final class CrowdedPlatformThreads {
        static final int THREADS = 300;

        static int crowd(int x) {
            return x + 1;
        }

        public static void main(String[] args) throws Exception {
            crowd(0);
            AtomicLong calls = new AtomicLong();
            AtomicLong nested = new AtomicLong();
            CountDownLatch inside = new CountDownLatch(THREADS);
            boolean[] together = {true};
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
                if (calls.incrementAndGet() > THREADS) {
                    nested.incrementAndGet(); // a nested call got through the guard
                    return;
                }
                inside.countDown();
                try {
                    if (!inside.await(20, TimeUnit.SECONDS)) {
                        together[0] = false; // someone's callback was skipped: it never came in
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                crowd(-1); // refused: this thread is inside the callback
            });
            Ftrace.ftraceSetFilter(ops, CrowdedPlatformThreads.class.getName() + ".crowd", false);
            Ftrace.registerFtraceFunction(ops);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                final int x = i;
                Thread t = new Thread(() -> crowd(x), "crowd-" + i);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            Ftrace.unregisterFtraceFunction(ops);
            System.out.println("callbacks=" + Math.min(calls.get(), THREADS) + " together=" + together[0]
                    + " nested=" + nested.get());
        }
    }
}
