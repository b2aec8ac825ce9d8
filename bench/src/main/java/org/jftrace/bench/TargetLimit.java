package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limit row's target: its first statement is a hand-written {@code invokestatic} of an empty
 * static method ({@link LimitHook#enter()}), the least any bytecode entry hook can cost.
 *
 * <p>After that statement, {@link #compute} has {@link Target#compute}'s body. It is never inlined
 * into the benchmark loop, so each call really enters it and runs its entry statement.
 */
public final class TargetLimit {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimit.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        LimitHook.enter();
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
