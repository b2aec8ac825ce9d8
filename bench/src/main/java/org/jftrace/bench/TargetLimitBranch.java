package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/** Scratch: a trained rare branch without a call. */
public final class TargetLimitBranch {
    public static final String METHOD = "org.jftrace.bench.TargetLimitBranch.compute(int,int)";
    public static boolean armed;
    public static int rare;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        if (armed) {
            rare++;
        }
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
