package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/** The target of row perCpuMany: one empty PER_CPU|RECURSION_SAFE ops, enabled on the benchmark thread and on a second, parked thread. Same {@code compute} body as every other {@code Target*} class (see {@link TargetSafe}). */
public final class TargetPerCpuMany {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetPerCpuMany.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
