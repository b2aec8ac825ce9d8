package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The target hooked by three empty RECURSION_SAFE ops.
 *
 * <p>Every {@code Target*} class has the same {@link #compute} body (only {@link TargetLimit} and
 * {@link TargetLimitCheck} add one hand-written first statement), so that each row has a method of
 * its own, with its own hook state and its own JIT profile, in the same JVM. {@code compute} is
 * never inlined into the benchmark loop, so each call really enters it and runs its entry hook;
 * whatever the hook calls may be inlined into {@code compute}.
 */
public final class TargetThreeOpsSafe {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetThreeOpsSafe.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
