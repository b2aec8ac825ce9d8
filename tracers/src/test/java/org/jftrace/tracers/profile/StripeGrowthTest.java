package org.jftrace.tracers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * A stripe's table starts small and doubles as it fills, up to the profiler's {@code functions}:
 * a profile of many functions loses nothing, a reader during a growth still reads every slot of one
 * moment and never sees a count go back, and past the cap the rest is counted lost.
 */
class StripeGrowthTest {

    @SuppressWarnings("deprecation") // threadId() is JDK 19+
    private static long me() {
        return Thread.currentThread().getId();
    }

    @Test
    void manyFunctionsAreAllCountedAndTheTableStartedSmall() {
        FunctionProfiler p = FunctionProfiler.builder().stripes(1).functions(100_000).build();
        assertEquals(2048, p.stripeSlots(0), "the first table: 1,024 functions at 3/4 full");
        long tid = me();
        int functions = 50_000;
        for (int ip = 1; ip <= functions; ip++) {
            for (int k = 0; k < 1 + ip % 3; k++) {
                p.add(ip, tid, ip);
            }
        }
        List<FunctionStat> s = p.stat();
        assertEquals(functions, s.size());
        for (FunctionStat f : s) {
            long hits = 1 + f.ip() % 3;
            assertEquals(new FunctionStat(f.ip(), 0, hits, hits * f.ip(),
                    BigInteger.valueOf(f.ip()).pow(2).multiply(BigInteger.valueOf(hits))), f);
        }
        assertEquals(0, p.lost());
        assertEquals(131_072, p.stripeSlots(0), "doubled up to the first size over 50,000 / (3/4)");
    }

    @Test
    void pastTheCapTheRestIsCountedLost() {
        FunctionProfiler p = FunctionProfiler.builder().stripes(1).functions(3000).build();
        for (int ip = 1; ip <= 10_000; ip++) {
            p.add(ip, me(), 1);
        }
        int kept = p.stat().size();
        assertEquals(4096, p.stripeSlots(0), "3,000 functions: 4,096 slots at most");
        assertEquals(3072, kept, "3/4 of the largest table");
        assertEquals(10_000 - kept, p.lost());
    }

    @Test
    void aReaderDuringGrowthReadsOneMomentAndNothingGoesBack() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            FunctionProfiler p = FunctionProfiler.builder().stripes(4).functions(1 << 16).build();
            int functions = 40_000;
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                long tid = me();
                for (int round = 0; round < 3; round++) {
                    for (int ip = 1; ip <= functions; ip++) {
                        p.add(ip, tid, ip);
                    }
                }
                done.set(true);
            });
            Thread reader = new Thread(() -> {
                try {
                    Map<Long, Long> last = new HashMap<>();
                    boolean end = false;
                    while (!end) {
                        end = done.get();
                        for (FunctionStat s : p.stat()) {
                            assertEquals(s.ip() * s.hits(), s.time(), "one moment: " + s);
                            assertEquals(BigInteger.valueOf(s.ip()).pow(2).multiply(BigInteger.valueOf(s.hits())),
                                    s.sumSq(), "one moment: " + s);
                            assertTrue(s.hits() >= last.getOrDefault(s.ip(), 0L), "a count went back: " + s);
                            last.put(s.ip(), s.hits());
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            reader.start();
            writer.join();
            reader.join();
            if (failed.get() != null) {
                throw new AssertionError("reader", failed.get());
            }
            List<FunctionStat> s = p.stat();
            assertEquals(functions, s.size());
            for (FunctionStat f : s) {
                assertEquals(3, f.hits(), "every call counted: " + f);
            }
            assertEquals(0, p.lost());
        });
    }
}
