package org.jftrace.tracers.graph;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Small ids for the classes of exceptions that leave traced methods, so that an exit record keeps
 * a {@code long} rather than a reference: {@link #idOf} on the hot path (no allocation, no lock),
 * {@link #name} when the trace is read.
 *
 * <p>An open-addressing table of {@value #CAPACITY} classes keyed by identity; a class takes a
 * slot with one compare-and-set the first time it is seen, and keeps it for the life of the
 * table (ids never change, so a record read later still names its class). The id is the slot
 * plus one; {@link #UNKNOWN} when the table is full.
 *
 * <p><b>Important</b>: the table holds the classes strongly, so a class loader whose exceptions
 * were traced is not unloaded while the tracer that owns the table is reachable (at most
 * {@value #CAPACITY} classes).
 */
public final class ExceptionClassIds {
    /** The id of a class the full table could not take: printed as {@link #UNKNOWN_NAME}. */
    public static final long UNKNOWN = 0;
    /** How {@link #UNKNOWN} prints. */
    public static final String UNKNOWN_NAME = "an exception (class not kept: more than " + ExceptionClassIds.CAPACITY + " classes)";
    /** Classes kept. */
    public static final int CAPACITY = 1024;
    /** Slots probed from a class's home before giving up. */
    private static final int PROBES = 16;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Class[].class);

    private final Class<?>[] slots = new Class<?>[CAPACITY];

    /**
     * {@return the id of {@code t}'s class, taking a slot the first time, or {@link #UNKNOWN}} Allocates
     * nothing; {@code t} null gives {@link #UNKNOWN}.
     */
    public long idOf(Throwable t) {
        if (t == null) {
            return UNKNOWN;
        }
        final Class<?> c = t.getClass();
        final Class<?>[] s = slots;
        final int home = System.identityHashCode(c) & (CAPACITY - 1);
        for (int k = 0; k < PROBES; k++) {
            final int i = (home + k) & (CAPACITY - 1);
            Class<?> there = (Class<?>) SLOTS.getAcquire(s, i);
            if (there == null) {
                if (SLOTS.compareAndSet(s, i, null, c)) {
                    return i + 1;
                }
                // someone took the slot meanwhile, maybe for this same class
                there = (Class<?>) SLOTS.getAcquire(s, i);
            }
            if (there == c) {
                return i + 1;
            }
        }
        return UNKNOWN;
    }

    /** {@return the binary name of the class with id {@code id}, or {@link #UNKNOWN_NAME}} */
    public String name(long id) {
        if (id < 1 || id > CAPACITY) {
            return UNKNOWN_NAME;
        }
        Class<?> c = (Class<?>) SLOTS.getAcquire(slots, (int) id - 1);
        return c == null ? UNKNOWN_NAME : c.getName();
    }
}
