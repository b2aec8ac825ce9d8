package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limitClock row's target: one {@code System.nanoTime()} at entry, stored to a static field (what
 * a tracer that timestamps each call cannot do with less), then {@link Target#compute}'s body.
 */
public final class TargetLimitClock {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimitClock.compute(int,int)";

    /** The last timestamp taken. */
    public static long last;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        last = System.nanoTime();
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
