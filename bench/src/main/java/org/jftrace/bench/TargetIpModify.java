package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/** The target of rows ipModify (redirected to {@link IpReplacement#compute}) and ipDirect (the receiver passed to it). Same {@code compute} body as every other {@code Target*} class (see {@link TargetSafe}). */
public final class TargetIpModify {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetIpModify.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
