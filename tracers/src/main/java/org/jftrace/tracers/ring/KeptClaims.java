package org.jftrace.tracers.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many of a set of {@link WriterClaim}s are kept, and who may keep one: at most half of them
 * (so that threads without one of their own always find free ones), and never a virtual thread
 * (parked, it would hold a claim others need; a million of them come and go). The ring buffer's
 * writer buffers and the profiler's stripes each have one.
 */
public final class KeptClaims {
    private static final VarHandle KEPT;
    /** {@code java.lang.VirtualThread} on JDK 21+, else null. */
    private static final Class<?> VIRTUAL = virtualThreadClass();

    static {
        try {
            KEPT = MethodHandles.lookup().findVarHandle(KeptClaims.class, "kept", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Class<?> virtualThreadClass() {
        try {
            return Class.forName("java.lang.VirtualThread", false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private final int max;
    /** Claims kept now, at most {@link #max}. */
    private volatile int kept;

    /** @param claims how many claims the set has: at most half of them are kept */
    public KeptClaims(int claims) {
        this.max = claims / 2;
    }

    /**
     * With {@code c}'s claim held by {@code t}, the caller: makes {@code t} its keeper if {@code t}
     * is a platform thread and fewer than half the claims are kept.
     *
     * @return whether {@code t} keeps it now (else the caller releases it as usual)
     */
    public boolean tryKeep(WriterClaim c, Thread t) {
        if (kept >= max || t.getClass() == VIRTUAL) {
            return false;
        }
        int k;
        do {
            k = kept;
            if (k >= max) {
                return false;
            }
        } while (!KEPT.compareAndSet(this, k, k + 1));
        c.keep(t);
        return true;
    }

    /** Frees the claims of {@code all} whose keepers have ended (a reader's chore). */
    public void unkeepEnded(WriterClaim[] all) {
        if (kept == 0) {
            return;
        }
        for (WriterClaim c : all) {
            if (c.unkeepIfEnded()) {
                KEPT.getAndAdd(this, -1);
            }
        }
    }

    /** {@return how many claims are kept now} */
    public int kept() {
        return kept;
    }
}
