package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The limitBranch row's target: like {@link TargetLimitCheck}, its first statement tests a flag,
 * but the rare branch calls nothing and was taken during set-up ({@link LimitBranchRow}), so the
 * JIT compiles it as a branch instead of an uncommon trap. The method then stays free of calls and
 * traps, and keeps the frame of a leaf: the least a hook that tests something can cost. jftrace's
 * recursion guard is built to this shape (see {@code ThreadGuard} in the core).
 *
 * <p>After that statement, {@link #compute} has {@link Target#compute}'s body. It is never inlined
 * into the benchmark loop, so each call really enters it and runs its entry statement.
 */
public final class TargetLimitBranch {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetLimitBranch.compute(int,int)";
    /** Set only during set-up, so that the branch below has a profile both ways. */
    public static boolean armed;
    /** Counts the calls that found {@link #armed} set. */
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
