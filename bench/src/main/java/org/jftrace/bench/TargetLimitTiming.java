package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limitTiming row's target: a hand-written timing pair, the clock read at entry, kept in a local,
 * and the duration added to a field at every exit (return, or an exception: caught, added, rethrown).
 * After that, {@link Target#compute}'s body. What a timing exit hook cannot beat.
 */
public final class TargetLimitTiming {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimitTiming.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        long start = System.nanoTime();
        try {
            int x = a * 31 + b;
            x ^= x >>> 7;
            int r = x - (a << 2) + b;
            LimitHook.timed(start);
            return r;
        } catch (Throwable t) {
            LimitHook.timed(start);
            throw t;
        }
    }
}
