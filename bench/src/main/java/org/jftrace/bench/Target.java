package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The method of the hook rows ({@link HookRow}, every {@link Variant}), of row ipDirect (the
 * receiver passed to the replacement) and of the peer rows: two int arguments, a few arithmetic
 * operations. The hand-written limit targets ({@link TargetLimit}, {@link TargetLimitCheck},
 * {@link TargetLimitBranch}) have the same body after their one first statement.
 *
 * <p>One class serves every row because JMH runs each row (each benchmark and each {@code variant})
 * in JVM forks of its own: a row never shares its JIT profile or its hook state with another.
 * {@code compute} is never inlined into the benchmark loop, so each call really enters it and runs
 * its entry hook; whatever the hook calls may be inlined into {@code compute}.
 */
public final class Target {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "org.jftrace.bench.Target.compute(int,int)";

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int compute(int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) + b;
    }
}
