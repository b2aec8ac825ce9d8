package org.jftrace.tracers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The profiler's kept stripes: a platform thread keeps its home stripe and updates it with no claim;
 * readers never claim (each slot is a seqlock), so they neither wait for a keeper nor read hits,
 * time and squares of different moments; a reset while a keeper lives drops exactly what came
 * before it; stripes of ended keepers are freed.
 */
class KeptStripesTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @SuppressWarnings("deprecation") // threadId() is JDK 19+
    private static long id(Thread t) {
        return t.getId();
    }

    private static long hits(FunctionProfiler p) {
        long n = 0;
        for (FunctionStat s : p.stat()) {
            n += s.hits();
        }
        return n;
    }

    /** Every call of these tests lasts {@code ip} ns: a slot read across two updates breaks the ratios. */
    private static void assertOneMoment(FunctionStat s) {
        assertEquals(s.ip() * s.hits(), s.time(), "time of one moment with hits: " + s);
        assertEquals(BigInteger.valueOf(s.ip() * s.ip()).multiply(BigInteger.valueOf(s.hits())), s.sumSq(),
                "squares of one moment with hits: " + s);
    }

    @Test
    void aKeeperUpdatesWithNoClaimAndAReaderNeverWaitsForIt() {
        FunctionProfiler p = FunctionProfiler.builder().stripes(4).build();
        long me = id(Thread.currentThread());
        p.add(5, me, 5);
        assertEquals(1, p.keptStripes(), "the first writer keeps its home stripe");
        p.add(5, me, 5);
        // a reader that claimed stripes would wait for ever for this live keeper
        List<FunctionStat> s = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> p.stat());
        assertEquals(List.of(new FunctionStat(5, 0, 2, 10, BigInteger.valueOf(50))), s);
        assertEquals(1, p.keptStripes());
    }

    @Test
    void aResetWhileTheKeeperLivesDropsExactlyWhatCameBefore() {
        FunctionProfiler p = FunctionProfiler.builder().stripes(4).build();
        long me = id(Thread.currentThread());
        for (int i = 0; i < 3; i++) {
            p.add(3, me, 3);
        }
        assertEquals(1, p.keptStripes());
        p.reset(); // the keeper holds the claim: the reset waits for its next update
        assertTrue(p.stat().isEmpty(), "a pending reset reads as empty");
        p.add(3, me, 3);
        p.add(3, me, 3);
        assertEquals(List.of(new FunctionStat(3, 0, 2, 6, BigInteger.valueOf(18))), p.stat());
    }

    @Test
    void eightWritersAndAReaderAgreeExactly() throws Exception {
        assertTimeoutPreemptively(BOUND, () -> {
            FunctionProfiler p = FunctionProfiler.builder().stripes(4).perThread(true).build();
            int writers = 8;
            int calls = 200_000;
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> readerFailed = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    Map<List<Long>, Long> last = new HashMap<>();
                    while (!done.get()) {
                        for (FunctionStat s : p.stat()) {
                            assertOneMoment(s);
                            List<Long> k = List.of(s.ip(), s.tid());
                            assertTrue(s.hits() >= last.getOrDefault(k, 0L), "hits never go back: " + s);
                            last.put(k, s.hits());
                        }
                    }
                } catch (Throwable t) {
                    readerFailed.set(t);
                }
            });
            reader.start();
            List<Thread> ts = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int w = 0; w < writers; w++) {
                final long ip = 1 + w % 3;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long tid = id(Thread.currentThread());
                    for (int i = 0; i < calls; i++) {
                        p.add(ip, tid, ip);
                    }
                });
                ts.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            done.set(true);
            reader.join();
            if (readerFailed.get() != null) {
                throw new AssertionError("reader", readerFailed.get());
            }
            assertTrue(p.keptStripes() <= 2, "at most half of 4 stripes kept");
            long counted = 0;
            for (FunctionStat s : p.stat()) {
                assertOneMoment(s);
                counted += s.hits();
            }
            assertEquals((long) writers * calls, counted + p.lost(), "counted + lost = calls, exactly");
            assertEquals(0, p.keptStripes(), "the keepers ended: the read freed their stripes");
        });
    }

    @Test
    void resetsUnderWritersNeverShowATornSlotAndEndedKeepersAreReset() throws Exception {
        assertTimeoutPreemptively(BOUND, () -> {
            FunctionProfiler p = FunctionProfiler.builder().stripes(4).build();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> ts = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                final long ip = 2 + w;
                Thread t = new Thread(() -> {
                    long tid = id(Thread.currentThread());
                    while (!stop.get()) {
                        p.add(ip, tid, ip);
                    }
                });
                ts.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int resets = 0;
            int seen = 0;
            while (System.nanoTime() < deadline) {
                List<FunctionStat> read = p.stat();
                for (FunctionStat s : read) {
                    assertOneMoment(s);
                }
                seen += read.isEmpty() ? 0 : 1;
                if (++resets % 3 == 0) {
                    p.reset();
                }
            }
            assertTrue(seen > 0, "the writers were counted between resets");
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
            p.reset(); // every keeper has ended: the reader frees and zeroes their stripes now
            assertEquals(0, p.keptStripes());
            assertTrue(p.stat().isEmpty(), "a reset after the keepers ended leaves nothing");
            p.add(9, 1, 9);
            assertEquals(1, hits(p));
        });
    }

    @Test
    void threadsThatComeAndGoLeaveNoStripeKeptAndLoseNothing() throws Exception {
        assertTimeoutPreemptively(BOUND, () -> {
            FunctionProfiler p = FunctionProfiler.builder().stripes(8).build();
            int threads = 400;
            for (int i = 0; i < threads; i += 4) {
                List<Thread> batch = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    Thread t = new Thread(() -> {
                        long tid = id(Thread.currentThread());
                        for (int c = 0; c < 10; c++) {
                            p.add(7, tid, 7);
                        }
                    });
                    batch.add(t);
                    t.start();
                }
                for (Thread t : batch) {
                    t.join();
                }
                assertTrue(p.keptStripes() <= 4, "at most half of 8 kept: " + p.keptStripes());
            }
            // no reader ran meanwhile: the ended keepers' stripes were taken over by later threads
            assertEquals((long) threads * 10, hits(p) + p.lost());
            assertEquals(0, p.lost(), "with half the stripes free and 4 writers, no call found all busy");
            assertEquals(0, p.keptStripes(), "the read freed the stripes of the ended keepers");
        });
    }

    @Test
    void virtualThreadsDoNotKeep() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+ (this is " + Runtime.version() + ")");
        FunctionProfiler p = FunctionProfiler.builder().stripes(4).build();
        int threads = 200_000; // virtual threads come and go by the hundred thousand: no stripe may stay theirs
        ExecutorService ex = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(ex.submit(() -> p.add(4, id(Thread.currentThread()), 4)));
                if (i % 10_000 == 0) {
                    assertEquals(0, p.keptStripes(), "a virtual thread keeps no stripe");
                }
            }
            for (java.util.concurrent.Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdown();
        }
        assertEquals(0, p.keptStripes(), "a virtual thread keeps no stripe");
        assertEquals(threads, hits(p) + p.lost(), "counted + lost = calls, exactly");
    }
}
