package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/** The target of row saveRegsSetArg: one SAVE_REGS|RECURSION_SAFE ops rewriting argument 0. Same {@code compute} body as every other {@code Target*} class (see {@link TargetSafe}). */
public final class TargetSaveRegsSetArg {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetSaveRegsSetArg.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
