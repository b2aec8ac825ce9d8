package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.Test;

/** PER_CPU becomes per thread, with the kernel's counter (SPEC 3.7). */
class PerCpuTest {

    static int target(int x) {
        return x + 2;
    }

    @Test
    void enabledOnOneThreadOfEightOnlyThatThreadCallsBack() throws Exception {
        target(0);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) ->
                seen.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet())
                .withFlags(FtraceOps.Flag.PER_CPU);
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.PerCpuTest.target", true);
        Ftrace.registerFtraceFunction(ops);
        try {
            CountDownLatch done = new CountDownLatch(8);
            for (int t = 0; t < 8; t++) {
                final int id = t;
                new Thread(() -> {
                    if (id == 3) {
                        Ftrace.ftraceFunctionLocalEnable(ops);
                    }
                    for (int i = 0; i < 1000; i++) {
                        target(i);
                    }
                    done.countDown();
                }, "percpu-" + t).start();
            }
            done.await();
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(1, seen.size(), "only the enabled thread: " + seen);
        assertEquals(1000, seen.get("percpu-3").get());
    }

    /**
     * One enabled thread is checked by a compare with that thread; the second enabled thread makes
     * the hook sites switch (relink) to a per-thread counter lookup. Each phase's calls start after
     * every enable or disable of the phase before, so the counts are exact on both sides of the switch.
     */
    @Test
    void severalEnabledThreadsEachCallBackOnlyWhileEnabledAcrossTheSwitchToPerThreadLookup() throws Exception {
        target(0);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) ->
                seen.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet())
                .withFlags(FtraceOps.Flag.PER_CPU);
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.PerCpuTest.target", true);
        Ftrace.registerFtraceFunction(ops);
        Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
        try {
            CyclicBarrier phase = new CyclicBarrier(8);
            Thread[] threads = new Thread[8];
            for (int t = 0; t < 8; t++) {
                final int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        if (id == 1) {
                            Ftrace.ftraceFunctionLocalEnable(ops); // phase 1: thread 1 alone
                        }
                        phase.await();
                        calls();
                        phase.await();
                        if (id == 4 || id == 6) {
                            Ftrace.ftraceFunctionLocalEnable(ops); // phase 2: three threads
                        }
                        phase.await();
                        calls();
                        phase.await();
                        if (id == 1) {
                            Ftrace.ftraceFunctionLocalDisable(ops); // phase 3: threads 4 and 6
                        }
                        phase.await();
                        calls();
                    } catch (Throwable e) {
                        failures.put(id, e);
                    }
                }, "percpu-many-" + t);
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(Map.of(), failures);
        assertEquals(3, seen.size(), "only the enabled threads: " + seen);
        assertEquals(1000, seen.get("percpu-many-1").get(), "thread 1: phases 1 and 2, 500 each");
        assertEquals(1000, seen.get("percpu-many-4").get(), "thread 4: phases 2 and 3, 500 each");
        assertEquals(1000, seen.get("percpu-many-6").get(), "thread 6: phases 2 and 3, 500 each");
    }

    private static void calls() {
        for (int i = 0; i < 500; i++) {
            target(i);
        }
    }

    @Test
    void theCounterStartsDisabledRunsAtExactlyZeroAndAnExtraEnableDisables() throws Exception {
        target(0);
        AtomicInteger hits = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) -> hits.incrementAndGet()).withFlags(FtraceOps.Flag.PER_CPU);
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.PerCpuTest.target", true);
        Ftrace.registerFtraceFunction(ops);
        int[] counts = new int[6];
        Thread t = new Thread(() -> {
            target(1);                               // counter 1: disabled
            counts[0] = hits.get();
            Ftrace.ftraceFunctionLocalEnable(ops);   // 0: runs
            target(1);
            counts[1] = hits.get();
            Ftrace.ftraceFunctionLocalEnable(ops);   // -1: disabled again
            target(1);
            counts[2] = hits.get();
            Ftrace.ftraceFunctionLocalDisable(ops);  // 0: runs
            target(1);
            counts[3] = hits.get();
            Ftrace.ftraceFunctionLocalDisable(ops);  // 1
            Ftrace.ftraceFunctionLocalDisable(ops);  // 2
            Ftrace.ftraceFunctionLocalEnable(ops);   // 1: still disabled
            target(1);
            counts[4] = hits.get();
            Ftrace.ftraceFunctionLocalEnable(ops);   // 0
            target(1);
            counts[5] = hits.get();
        });
        try {
            t.start();
            t.join();
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals("[0, 1, 1, 2, 2, 3]", java.util.Arrays.toString(counts));
    }

    @Test
    void localEnableOnAnOpsWithoutPerCpuHasNoEffect() {
        target(0);
        AtomicInteger hits = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) -> hits.incrementAndGet());
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.PerCpuTest.target", true);
        Ftrace.registerFtraceFunction(ops);
        try {
            Ftrace.ftraceFunctionLocalDisable(ops); // no PER_CPU: ignored (warned once)
            Ftrace.ftraceFunctionLocalDisable(ops);
            target(5);
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(1, hits.get(), "a plain ops is not affected by local disable");
    }
}
