package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The target of the recursive rows (rec*): {@code compute(a, n)} calls itself {@code n} times, so
 * one call from the benchmark enters the method, and runs its entry hook, {@code n + 1} times.
 * Never inlined (not even into itself).
 */
public final class TargetRecursive {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.TargetRecursive.compute(int,int)";
    /** The recursion depth the rec* rows use: 9 entries per measured call. */
    public static final int DEPTH = 8;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int n) {
        if (n <= 0) {
            int x = a * 31 + n;
            x ^= x >>> 7;
            return x - (a << 2);
        }
        return compute(a + n, n - 1) + 1;
    }
}
