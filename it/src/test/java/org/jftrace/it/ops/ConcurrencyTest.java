package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.2/3.11: callbacks run on every calling thread; unregister returns only when no thread is inside the callback. */
class ConcurrencyTest {

    static final class Target {
        static long work(long x) {
            return x * 3 + 1;
        }
    }

    static final String WORK = "org.jftrace.it.ops.ConcurrencyTest$Target.work";
    static final int THREADS = 4;

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.work(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    @Test
    // every call on every thread runs the callback on that thread: N threads x K calls = N*K callbacks from exactly those threads
    void callbacksRunOnEveryCallingThread() throws Exception {
        AtomicLong callbacks = new AtomicLong();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            callbacks.incrementAndGet();
            threads.add(Thread.currentThread());
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, WORK, false);
        Ftrace.registerFtraceFunction(ops);

        final int calls = 5_000;
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean wrong = new AtomicBoolean();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < calls; i++) {
                    if (Target.work(i) != i * 3L + 1) {
                        wrong.set(true);
                    }
                }
            }, "jftrace-it-worker-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(false, wrong.get(), "traced method returned a wrong result");
        assertEquals((long) THREADS * calls, callbacks.get());
        assertEquals(Set.copyOf(workers), threads);
    }

    @Test
    // unregister waits for callbacks running on other threads: when it returns, none is inside, and none starts later
    void unregisterWaitsUntilNoThreadIsInsideTheCallback() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicLong callbacks = new AtomicLong();
        CountDownLatch someoneInside = new CountDownLatch(1);
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            inside.incrementAndGet();
            callbacks.incrementAndGet();
            someoneInside.countDown();
            try {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            } finally {
                inside.decrementAndGet();
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, WORK, false);
        Ftrace.registerFtraceFunction(ops);

        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                long i = 0;
                while (!stop.get()) {
                    Target.work(i++);
                }
            }, "jftrace-it-spinner-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        try {
            assertTrue(someoneInside.await(30, TimeUnit.SECONDS), "no callback started");
            Thread.sleep(30);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Ftrace.unregisterFtraceFunction(ops));
            assertEquals(0, inside.get(), "a thread was still inside the callback when unregister returned");
            long after = callbacks.get();
            Thread.sleep(100); // the workers keep calling the (now unhooked) method
            assertEquals(after, callbacks.get(), "a callback started after unregister returned");
            assertEquals(0, inside.get());
        } finally {
            stop.set(true);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }
}
