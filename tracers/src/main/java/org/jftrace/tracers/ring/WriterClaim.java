package org.jftrace.tracers.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The single-writer claim of a striped per-writer structure (a ring's {@link WriterBuffer}, a
 * profiler's stripe of counters): the JVM's stand-in for the kernel's "this CPU's buffer, with
 * preemption off". A writer holds it for one update ({@code tryClaim ... release}), or keeps it for
 * as long as it lives ({@link #keep}; see {@link KeptClaims}) and then writes with a plain read of
 * {@link #keptBy} instead of a compare-and-set and a release per update.
 *
 * <p>Whoever holds the claim owns the writer-side state of the subclass: the claim's acquire and
 * release (or, for an ended keeper, {@code Thread.isAlive()} returning false) pass it on.
 */
public abstract class WriterClaim {
    private static final VarHandle OWNER;
    private static final VarHandle KEEPER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER = l.findVarHandle(WriterClaim.class, "owner", int.class);
            KEEPER = l.findVarHandle(WriterClaim.class, "keeper", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while a writer holds the claim. Claimed by compare-and-set (acquire), released by a release store. */
    @SuppressWarnings("unused") // through OWNER
    private int owner;
    /**
     * The thread that keeps the claim for as long as it lives, or null. Set by that thread alone,
     * with the claim held; cleared by a reader, or taken over by another writer, once it has ended.
     */
    private Thread keeper;

    protected WriterClaim() {
    }

    /** Test-and-test-and-set: a busy claim costs a plain read, not a failed atomic. */
    public final boolean tryClaim() {
        return (int) OWNER.getOpaque(this) == 0 && OWNER.compareAndSet(this, 0, 1);
    }

    /** Ends the claim; the release publishes the holder's writes to the next holder. */
    public final void release() {
        OWNER.setRelease(this, 0);
    }

    /** {@return whether {@code t} keeps the claim} A plain read: only {@code t} itself set it so. */
    public final boolean keptBy(Thread t) {
        return keeper == t;
    }

    /** Keeps the claim the caller holds for as long as {@code t}, the caller, lives. */
    final void keep(Thread t) {
        KEEPER.setOpaque(this, t);
    }

    /** {@return the keeper, or null} */
    public final Thread keeper() {
        return (Thread) KEEPER.getOpaque(this);
    }

    /**
     * Frees the claim of a keeper that has ended. {@code isAlive()} false makes everything the
     * keeper wrote visible here (the JLS: a thread's last action synchronizes-with the detection
     * that it has terminated), and the release passes it on to the next holder.
     *
     * @return whether it was kept by an ended thread and is free now
     */
    final boolean unkeepIfEnded() {
        final Thread k = keeper();
        if (k == null || k.isAlive() || !KEEPER.compareAndSet(this, k, null)) {
            return false;
        }
        release();
        return true;
    }

    /**
     * Makes {@code t}, the caller, the keeper in place of a keeper that has ended: the claim passes
     * from the dead thread to {@code t} unreleased. Writers call it when their home claim is taken,
     * so that threads which come and go faster than readers run (a million short virtual threads)
     * do not leave the kept claims to the dead. Visibility as in {@link #unkeepIfEnded}; the
     * compare-and-set settles a race with a reader or another writer.
     *
     * @return whether {@code t} keeps it now
     */
    public final boolean takeOverFromEnded(Thread t) {
        final Thread k = keeper();
        return k != null && k != t && !k.isAlive() && KEEPER.compareAndSet(this, k, t);
    }
}
