package org.jftrace.bench;

/** The hand-written entry hooks of {@link TargetLimit} (an empty static method) and {@link TargetLimitCheck}. */
public final class LimitHook {
    /** Never set: {@link TargetLimitCheck} tests it at entry. */
    public static boolean armed;
    /** Counts the calls that found {@link #armed} set (none do). */
    public static int slowCalls;

    private LimitHook() {
    }

    /** Does nothing: once the JIT compiled the caller, the call is gone. */
    public static void enter() {
        // empty on purpose
    }

    /** The hand-written exit hook of {@link TargetLimitExit}: empty, as {@link #enter()}. */
    public static void exit() {
        // empty on purpose
    }

    /** Sum of the durations {@link TargetLimitTiming} measured. */
    public static long timedNanos;

    /** The hand-written timing exit of {@link TargetLimitTiming}: adds the call's duration. */
    public static void timed(long start) {
        timedNanos += System.nanoTime() - start;
    }

    /** What {@link TargetLimitCheck} would call if {@link #armed} were set: never runs. */
    public static void slowPath() {
        slowCalls++;
    }
}
