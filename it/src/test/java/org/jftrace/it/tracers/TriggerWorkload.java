package org.jftrace.it.tracers;

/**
 * The traced program of the trigger, thread filter and parent tests: ticks to count, marker
 * methods triggers sit on, and a known call tree with an untraced middle:
 * {@code a -> b -> c (untraced) -> d}.
 */
public final class TriggerWorkload {
    private static volatile int sink;

    private TriggerWorkload() {
    }

    /** One counted call. */
    public static int tick(int i) {
        sink += i;
        return i * 3 + 1;
    }

    /** Where a traceoff trigger sits. */
    public static void off() {
        sink++;
    }

    /** Where a traceon trigger sits. */
    public static void on() {
        sink++;
    }

    /** Where a snapshot trigger sits. */
    public static void snap() {
        sink++;
    }

    /** outer -> inner -> hit: a stacktrace trigger sits on hit. */
    public static void outer() {
        inner();
    }

    static void inner() {
        hit();
    }

    static void hit() {
        sink++;
    }

    /** A calls B calls C (left untraced) calls D. */
    public static int a() {
        return b() + 1;
    }

    public static int b() {
        return c() + 1;
    }

    public static int c() {
        return d() + 1;
    }

    public static int d() {
        return sink & 1;
    }
}
