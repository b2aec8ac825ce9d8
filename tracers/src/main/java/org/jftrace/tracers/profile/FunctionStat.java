package org.jftrace.tracers.profile;

import java.math.BigInteger;

/**
 * One line of {@code trace_stat/function}: a function's calls and their durations, summed over
 * one thread or all of them.
 *
 * @param ip     the function's ip ({@code Ftrace.lookup} resolves it)
 * @param tid    the thread's id, or 0 when merged
 * @param hits   calls that returned or threw while profiled
 * @param time   their durations summed, in ns (with callees, or without under graph-time off)
 * @param sumSq  their squares summed, in ns^2, exactly
 */
public record FunctionStat(long ip, long tid, long hits, long time, BigInteger sumSq) {

    /** {@return the average duration in ns, rounded down as the kernel's {@code div64_ul}} */
    public long average() {
        return hits == 0 ? 0 : time / hits;
    }

    /**
     * {@return the sample variance s^2 in ns^2, {@code (n * sum(x^2) - sum(x)^2) / (n * (n - 1))} as the
     * kernel's {@code function_stat_show} computes it; 0 below two hits}
     */
    public double variance() {
        if (hits < 2) {
            return 0;
        }
        BigInteger n = BigInteger.valueOf(hits);
        BigInteger s = BigInteger.valueOf(time);
        BigInteger num = n.multiply(sumSq).subtract(s.multiply(s));
        return num.doubleValue() / ((double) hits * (hits - 1));
    }

    /** {@return this and {@code o} summed, keeping this one's ip and {@code tid}} */
    FunctionStat plus(FunctionStat o, long tid) {
        return new FunctionStat(ip, tid, hits + o.hits, time + o.time, sumSq.add(o.sumSq));
    }

    /** {@return the unsigned 128-bit {@code hi:lo} as a number} */
    static BigInteger unsigned128(long hi, long lo) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
    }
}
