package org.jftrace.tracers.graph;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A little state per thread without a {@code ThreadLocal}: a fixed table of slots keyed by thread
 * id, each with two {@code long} values, that a thread claims while it needs them (inside a
 * set_graph_function root, inside a set_graph_notrace function, with open calls under the
 * profiler's self time) and hands back after. The kernel keeps such state in the task's
 * {@code ret_stack}; a JVM tracer on the public API has no per-thread storage of its own, and a
 * {@code ThreadLocal} would allocate for every new (virtual) thread.
 *
 * <p>Who writes: only the thread whose id a slot holds writes its values; other threads only
 * claim free slots (compare-and-set of the key, 0 to their id) and never touch a taken one. So a
 * thread reads its own values plainly. A thread finds its slot within {@value #PROBES} slots of
 * its home; when all of those are taken by others, {@link #claim} fails and the caller skips the
 * work (counted by the caller). {@link #active()} counts taken slots, so that the common case
 * "no thread holds one" costs one read.
 *
 * <p>A thread that needs its slot on nearly every call (the function tracer's nearest parents,
 * whose every outermost traced call would otherwise claim and release one: three atomic operations,
 * two of them on the shared count) may {@link #keep} it for as long as it lives: found again with
 * plain reads, nothing atomic. {@link #keep} records the holder, and takes over a kept slot whose
 * holder has ended when no slot near its home is free: so threads that ended (virtual threads come
 * and go by the million) leave nothing behind that others cannot use.
 *
 * <p>Layout: three words per slot, {@code [key = tid + 1, value0, value1]} (ids start at 1, but the
 * + 1 keeps 0 free for "empty" whatever a JVM numbers its threads from).
 */
public final class PerThreadSlots {
    private static final int PROBES = 8;
    private static final int STRIDE = 3;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(PerThreadSlots.class, "active", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] words;
    private final int mask;
    /** Slots taken; read by every caller's fast path, changed only on claim and release. */
    private volatile int active;

    /** @param slots how many threads can hold a slot at once, rounded up to a power of two */
    public PerThreadSlots(int slots) {
        int n = Integer.highestOneBit(Math.max(PROBES, slots) - 1) << 1;
        this.words = new long[n * STRIDE];
        this.keepers = new Thread[n];
        this.mask = n - 1;
    }

    /** {@return how many threads hold a slot now} */
    public int active() {
        return active;
    }

    /** {@return the slot {@code tid} holds, or -1} */
    public int find(long tid) {
        if (active == 0) {
            return -1;
        }
        final long key = tid + 1;
        final long[] w = words;
        final int home = home(tid);
        for (int k = 0; k < PROBES; k++) {
            final int slot = (home + k) & mask;
            // plain: only this thread ever writes its own key (the claim's release made it visible to itself)
            if (w[slot * STRIDE] == key) {
                return slot;
            }
        }
        return -1;
    }

    /** The thread that keeps each slot ({@link #keep}); null for slots taken by {@link #claim}. */
    private final Thread[] keepers;

    /**
     * {@return the slot thread {@code t} (id {@code tid}) holds, claiming one if it holds none; -1 if
     * none is free} A slot claimed here stays the thread's while it lives (no {@link #release}):
     * when no slot near its home is free, one kept by a thread that has ended is taken over, with
     * both values 0. Only for callers that never {@link #release} what they keep.
     */
    public int keep(Thread t, long tid) {
        int slot = find(tid);
        if (slot >= 0) {
            return slot;
        }
        slot = claim(tid);
        if (slot < 0) {
            slot = takeOver(tid);
        }
        if (slot >= 0) {
            keepers[slot] = t;
        }
        return slot;
    }

    /** {@return a slot near {@code tid}'s home kept by a thread that has ended, now {@code tid}'s, or -1} */
    private int takeOver(long tid) {
        final long[] w = words;
        final int home = home(tid);
        for (int k = 0; k < PROBES; k++) {
            final int slot = (home + k) & mask;
            final int base = slot * STRIDE;
            final long key = (long) WORDS.getAcquire(w, base);
            final Thread keeper = keepers[slot];
            // the keeper must be the key's thread: a slot just taken over can still show the ended one
            // (its keeper is written after the key), and must not be taken again from its new holder
            if (key != 0 && keeper != null && idOf(keeper) + 1 == key && !keeper.isAlive()
                    && WORDS.compareAndSet(w, base, key, tid + 1)) {
                w[base + 1] = 0; // the count stays: the slot was taken and still is
                w[base + 2] = 0;
                return slot;
            }
        }
        return -1;
    }

    /**
     * {@return a free slot near {@code tid}'s home, now held by {@code tid} with both values 0, or
     * -1 if none is free} The caller must not hold one already ({@link #find} first).
     */
    public int claim(long tid) {
        final long key = tid + 1;
        final long[] w = words;
        final int home = home(tid);
        for (int k = 0; k < PROBES; k++) {
            final int slot = (home + k) & mask;
            final int base = slot * STRIDE;
            if ((long) WORDS.getOpaque(w, base) == 0 && WORDS.compareAndSet(w, base, 0L, key)) {
                w[base + 1] = 0;
                w[base + 2] = 0;
                ACTIVE.getAndAdd(this, 1);
                return slot;
            }
        }
        return -1;
    }

    /** Hands slot {@code slot} back; only its holder calls this. */
    public void release(int slot) {
        // release: the holder's last value writes come before another thread may claim the slot
        WORDS.setRelease(words, slot * STRIDE, 0L);
        ACTIVE.getAndAdd(this, -1);
    }

    /** {@return value {@code i} (0 or 1) of {@code slot}; only its holder calls this} */
    public long get(int slot, int i) {
        return words[slot * STRIDE + 1 + i];
    }

    /** Sets value {@code i} (0 or 1) of {@code slot}; only its holder calls this. */
    public void set(int slot, int i, long v) {
        words[slot * STRIDE + 1 + i] = v;
    }

    @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
    private static long idOf(Thread t) {
        return t.getId();
    }

    private int home(long tid) {
        return (int) ((tid * GOLDEN) >>> 40) & mask;
    }
}
