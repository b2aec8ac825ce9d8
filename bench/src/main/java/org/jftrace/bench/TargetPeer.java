package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/** The target of the peer rows (issue 5), each in its own fork without jftrace: Byte Buddy Advice, JFR method tracing. Same {@code compute} body as every other {@code Target*} class (see {@link TargetSafe}). */
public final class TargetPeer {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetPeer.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
