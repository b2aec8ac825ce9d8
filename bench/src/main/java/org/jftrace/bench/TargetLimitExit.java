package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limitExit row's target: the least an entry+exit hook can cost, written by hand as an exit-hook
 * tool would weave it: an {@code invokestatic} of an empty static method at entry and before the
 * return, and a catch-all handler that calls it and rethrows. After that, {@link Target#compute}'s body.
 */
public final class TargetLimitExit {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimitExit.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        LimitHook.enter();
        try {
            int x = a * 31 + b;
            x ^= x >>> 7;
            int r = x - (a << 2) + b;
            LimitHook.exit();
            return r;
        } catch (Throwable t) {
            LimitHook.exit();
            throw t;
        }
    }
}
