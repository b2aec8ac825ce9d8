package org.jftrace.bench.macro.boot;

/**
 * The hand-written hook of the macro benchmark's limit row: {@link org.jftrace.bench.macro.LimitAgent}
 * inserts {@code invokestatic hit()} at the entry of every method it hooks. Loaded by the boot loader
 * (the agent appends it to the boot class path), so that any module can call it, as jftrace's own
 * hook bridge is.
 */
public final class LimitCounter {
    /** Calls counted: the twin of jftrace's counting callback ({@code n++}, no atomics). */
    public static long n;

    private LimitCounter() {
    }

    public static void hit() {
        n++;
    }

    /** Exits counted by the limit's exit hook (row {@code limitExits}): the twin of the exits row's return handler. */
    public static long exits;

    public static void exit() {
        exits++;
    }
}
