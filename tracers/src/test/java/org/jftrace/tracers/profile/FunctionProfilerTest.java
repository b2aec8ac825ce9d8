package org.jftrace.tracers.profile;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.Test;

/** The profiler's arithmetic without an agent: hits, totals, mean, variance, merge, reset, self time, the text. */
class FunctionProfilerTest {

    /** Direct computation of s^2 = sum((x - mean)^2) / (n - 1), in exact decimals. */
    static double variance(List<Long> xs) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        for (long x : xs) {
            sum = sum.add(BigDecimal.valueOf(x));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(xs.size()), mc);
        BigDecimal sq = BigDecimal.ZERO;
        for (long x : xs) {
            BigDecimal d = BigDecimal.valueOf(x).subtract(mean);
            sq = sq.add(d.multiply(d));
        }
        return sq.divide(BigDecimal.valueOf(xs.size() - 1L), mc).doubleValue();
    }

    @Test
    void hitsTotalsMeanAndVarianceAgainstADirectComputation() {
        FunctionProfiler p = FunctionProfiler.builder().perThread(true).stripes(4).build();
        Random r = new Random(15);
        // ip -> tid -> durations; some of 3 s, whose squares pass 2^63
        List<List<List<Long>>> made = new ArrayList<>();
        for (int ip = 1; ip <= 3; ip++) {
            List<List<Long>> perThread = new ArrayList<>();
            for (int tid = 1; tid <= 2; tid++) {
                List<Long> xs = new ArrayList<>();
                for (int i = 0; i < 50 * ip + tid; i++) {
                    long x = ip == 3 && i % 7 == 0 ? 3_000_000_000L + r.nextInt(1000) : r.nextInt(1_000_000);
                    xs.add(x);
                    p.add(ip, tid, x);
                }
                perThread.add(xs);
            }
            made.add(perThread);
        }
        List<FunctionStat> merged = p.stat();
        assertEquals(3, merged.size());
        for (int i = 1; i < merged.size(); i++) {
            assertTrue(merged.get(i - 1).time() >= merged.get(i).time(), "sorted by total time");
        }
        for (FunctionStat s : merged) {
            List<Long> all = new ArrayList<>(made.get((int) s.ip() - 1).get(0));
            all.addAll(made.get((int) s.ip() - 1).get(1));
            check(s, all);
        }
        assertEquals(List.of(1L, 2L), p.threads());
        for (long tid = 1; tid <= 2; tid++) {
            List<FunctionStat> one = p.stat(tid);
            assertEquals(3, one.size());
            for (FunctionStat s : one) {
                assertEquals(tid, s.tid());
                check(s, made.get((int) s.ip() - 1).get((int) tid - 1));
            }
        }
        assertEquals(0, p.lost());
        p.reset();
        assertTrue(p.stat().isEmpty(), "reset zeroes everything");
        p.add(9, 1, 5);
        assertEquals(List.of(new FunctionStat(9, 0, 1, 5, BigInteger.valueOf(25))), p.stat());
    }

    private static void check(FunctionStat s, List<Long> xs) {
        long sum = 0;
        BigInteger sq = BigInteger.ZERO;
        for (long x : xs) {
            sum += x;
            sq = sq.add(BigInteger.valueOf(x).pow(2));
        }
        assertEquals(xs.size(), s.hits(), "hits of " + s.ip());
        assertEquals(sum, s.time());
        assertEquals(sq, s.sumSq(), "squares summed exactly, past 2^63");
        assertEquals(sum / xs.size(), s.average());
        double v = variance(xs);
        assertEquals(v, s.variance(), v * 1e-12, "s^2 of " + s.ip());
    }

    @Test
    void mergedByDefaultAndFewerThanTwoHitsHaveNoVariance() {
        FunctionProfiler p = FunctionProfiler.builder().build();
        p.add(7, 1, 100);
        p.add(7, 2, 300);
        p.add(8, 1, 50);
        List<FunctionStat> s = p.stat();
        assertEquals(new FunctionStat(7, 0, 2, 400, BigInteger.valueOf(100_000)), s.get(0));
        assertEquals(20_000.0, s.get(0).variance()); // (100-200)^2 + (300-200)^2 over 1
        assertEquals(0.0, s.get(1).variance());
        assertTrue(p.threads().isEmpty(), "no per-thread counts unless asked");
    }

    @Test
    void aFullTableCountsWhatItCannotKeep() {
        FunctionProfiler p = FunctionProfiler.builder().functions(16).stripes(1).build();
        for (int ip = 1; ip <= 100; ip++) {
            p.add(ip, 1, 10);
        }
        int kept = p.stat().size();
        assertTrue(kept >= 16 && kept < 100, "kept " + kept);
        assertEquals(100 - kept, p.lost());
    }

    /**
     * Self time on a known tree with a fake clock: A [0, 100] calls B [10, 30] (which calls C
     * [12, 20]) and D [40, 45]. Self: C 8, B 20 - 8 = 12, D 5, A 100 - 20 - 5 = 75.
     */
    @Test
    void selfTimeSubtractsTheCallees() {
        long[] x = {0}; // the thread's completed self time
        long a = FunctionProfiler.selfData(0, x[0]);
        long b = FunctionProfiler.selfData(10, x[0]);
        long c = FunctionProfiler.selfData(12, x[0]);
        assertEquals(8, complete(x, 20, c));
        assertEquals(12, complete(x, 30, b));
        long d = FunctionProfiler.selfData(40, x[0]);
        assertEquals(5, complete(x, 45, d));
        assertEquals(75, complete(x, 100, a));
        assertEquals(100, x[0], "the self times add up to the outermost call's duration");
    }

    private static long complete(long[] x, long now, long data) {
        long self = FunctionProfiler.selfTime(now, x[0], data);
        x[0] += self;
        return self;
    }

    @Test
    void theKernelsTable() {
        List<FunctionStat> s = List.of(new FunctionStat(1, 0, 10, 3_045_286, BigInteger.valueOf(1_000_000_000_000L)),
                new FunctionStat(2, 0, 1, 1_382, BigInteger.valueOf(1_382L * 1_382)));
        // s^2 = (10 x 10^12 - 3045286^2) / 90 = 8069257535.6 ns^2 = 8069.257 us^2
        String text = ProfileFormat.table(s, ip -> Optional.of(new FunctionInfo(ip, "a.B", ip == 1 ? "run" : "leaf", "()V",
                "()", "", null, -1, 0)), "");
        assertEquals(""
                + "  Function                               Hit    Time            Avg             s^2\n"
                + "  --------                               ---    ----            ---             ---\n"
                + "  a.B.run                                 10    3045.286 us     304.528 us      8069.257 us \n"
                + "  a.B.leaf                                 1    1.382 us        1.382 us        0.000 us    \n", text);
    }

    @Test
    void badSettingsSayWhatToChange() {
        FtraceException e = assertThrows(FtraceException.class, () -> FunctionProfiler.builder().stripes(0).build());
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().startsWith("EINVAL: stripes 0 is out of range: give 1 to"), e.getMessage());
        e = assertThrows(FtraceException.class, () -> FunctionProfiler.builder().functions(-1).build());
        assertTrue(e.getMessage().startsWith("EINVAL: functions per stripe -1 is out of range"), e.getMessage());
        e = assertThrows(FtraceException.class, () -> FunctionProfiler.builder().build().setOption("graph-tme", false));
        assertEquals("EINVAL: unknown function profiler option 'graph-tme': give graph-time", e.getMessage());
    }
}
