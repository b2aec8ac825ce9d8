package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limitCheck row's target: its first statement is a hand-written check of a flag that is never
 * set, with a call on the branch never taken ({@link LimitHook#armed}, {@link LimitHook#slowPath()}):
 * the least an entry hook that tests anything at all (a "live" flag, a recursion guard) can cost.
 * C2 compiles the never-taken branch to an uncommon trap, so the method is no longer a frameless
 * leaf: it gets a full frame and a stack bang, as a method hooked by jftrace does.
 *
 * <p>After that statement, {@link #compute} has {@link Target#compute}'s body. It is never inlined
 * into the benchmark loop, so each call really enters it and runs its entry statement.
 */
public final class TargetLimitCheck {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimitCheck.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        if (LimitHook.armed) {
            LimitHook.slowPath();
        }
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
