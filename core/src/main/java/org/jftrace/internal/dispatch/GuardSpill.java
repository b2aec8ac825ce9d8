package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The recursion guard's second level ({@link ThreadGuard}): a busy flag of its own for each thread
 * that found no slot near its home in the guard's table, however many there are at once. Virtual
 * threads blocked inside callbacks by the ten thousand, or more platform threads than the table
 * places, used to share one overflow flag and skip each other's callbacks.
 *
 * <p>Segments of doubling size ({@value #FIRST} entries, then twice that, ...), each an open
 * hash table searched {@value #PROBES} entries from the thread's hash; a segment is added when a
 * thread finds no free entry in any. Segments never move, so an entry's number (its slot, from
 * {@link #BASE} on: past every slot of the table) stays valid while its thread uses it. An entry is
 * held only during a guarded call ({@link #leave} gives it back), or while it keeps a thread's
 * {@link ThreadGuard} object (freed by {@link #sweep} once the thread died): threads coming and going
 * by the million reuse the same entries, and the segments grow only with the number of threads
 * inside guarded calls at once.
 *
 * <p>Runs inside hooked calls, before the guard is held: arrays, compare-and-set and jftrace's own
 * methods only. A JDK method called here may be hooked by a user and would recurse.
 */
final class GuardSpill {
    /** Entries of the first segment. */
    static final int FIRST = 256;
    /** Segment k holds FIRST << k entries: 2^28 entries in all, more than threads a JVM can hold. */
    private static final int SEGMENTS = 21;
    /** How many entries from its hash a thread looks at in each segment. */
    private static final int PROBES = 8;
    /** The first spill slot: ThreadGuard's table and its overflow index lie below. */
    static final int BASE = ThreadGuard.OVERFLOW + 1;

    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(Thread[].class);

    /** One segment. Final fields: a segment read without a lock is seen whole. */
    private static final class Segment {
        /** Its first slot. */
        final int base;
        final Thread[] owners;
        final boolean[] busy;
        /** The per-thread objects, by entry; written under ThreadGuard's class lock. */
        final ThreadGuard[] guards;

        Segment(int base, int size) {
            this.base = base;
            this.owners = new Thread[size];
            this.busy = new boolean[size];
            this.guards = new ThreadGuard[size];
        }
    }

    /** The segments, each written once (compare-and-set), in order. */
    private static final Segment[] SEGS = new Segment[SEGMENTS];
    private static final VarHandle SEG = MethodHandles.arrayElementVarHandle(Segment[].class);

    /** Guarded calls that took an entry here (a plain counter: an estimate under races). */
    static long entered;
    /**
     * Entries held now, counted atomically: never 0 while a thread holds one. The table's claim reads
     * it ({@link ThreadGuard#slot}): a thread inside a spilled call must not claim a free slot of
     * the table for a nested call, whose flag there would not be busy.
     */
    static int held;
    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findStaticVarHandle(GuardSpill.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private GuardSpill() {
    }

    /**
     * Takes the guard for the calling thread {@code t}: {@return its slot, held busy until
     * {@link #leave}, or -1 if {@code t} is inside a guarded call already (recursion)}
     */
    static int enter(Thread t) {
        int slot = find(t);
        if (slot < 0) {
            slot = claim(t);
        }
        entered++;
        final Segment s = segment(slot);
        final int i = slot - s.base;
        if (s.busy[i]) {
            return -1;
        }
        s.busy[i] = true;
        return slot;
    }

    /** Ends the guarded call on {@code slot}: not busy, and the entry goes back unless it keeps the thread's object. */
    static void leave(int slot) {
        final Segment s = segment(slot);
        final int i = slot - s.base;
        s.busy[i] = false;
        if (s.guards[i] == null) {
            free(s, i, s.owners[i]);
        }
    }

    /** {@return whether {@code slot}'s thread is inside a guarded call} */
    static boolean busy(int slot) {
        final Segment s = segment(slot);
        return s.busy[slot - s.base];
    }

    /** {@return whether {@code t} holds an entry here} {@link ThreadGuard}'s claims ask, while {@link #held} is not 0. */
    static boolean holds(Thread t) {
        return find(t) >= 0;
    }

    /** {@return the slot {@code t} holds here, or -1} */
    static int find(Thread t) {
        final int h = hash(t);
        for (int k = 0; k < SEGMENTS; k++) {
            final Segment s = (Segment) SEG.getAcquire(SEGS, k);
            if (s == null) {
                return -1;
            }
            final int mask = s.owners.length - 1;
            for (int p = 0; p < PROBES; p++) {
                final int i = (h + p) & mask;
                if (s.owners[i] == t) {
                    return s.base + i;
                }
            }
        }
        return -1;
    }

    /** Claims a free entry for {@code t}, which holds none: in the first segment with one near its hash, else in a new one. */
    private static int claim(Thread t) {
        final int h = hash(t);
        for (int k = 0; k < SEGMENTS; k++) {
            Segment s = (Segment) SEG.getAcquire(SEGS, k);
            if (s == null) {
                s = grow(k);
            }
            final int mask = s.owners.length - 1;
            for (int p = 0; p < PROBES; p++) {
                final int i = (h + p) & mask;
                if (s.owners[i] == null && OWNER.compareAndSet(s.owners, i, (Thread) null, t)) {
                    HELD.getAndAdd(1);
                    return s.base + i;
                }
            }
        }
        // 2^28 entries, each near its hash taken: only a broken table gets here
        throw new IllegalStateException("jftrace: the recursion guard's spill table is full");
    }

    /**
     * {@return segment {@code k}, made if it is still missing} Segment k - 1 exists (the claim came
     * past it). No lock, so no virtual thread waits here: a thread that loses the race drops its copy.
     */
    private static Segment grow(int k) {
        final Segment before = k == 0 ? null : (Segment) SEG.getAcquire(SEGS, k - 1);
        final Segment made = new Segment(before == null ? BASE : before.base + before.owners.length, FIRST << k);
        return SEG.compareAndSet(SEGS, k, (Segment) null, made) ? made : (Segment) SEG.getAcquire(SEGS, k);
    }

    /** Gives entry {@code i} of {@code s} back, once: {@link #held} counts only what it frees. */
    private static void free(Segment s, int i, Thread owner) {
        if (owner != null && OWNER.compareAndSet(s.owners, i, owner, (Thread) null)) { // after busy's store, for the next claimer
            HELD.getAndAdd(-1);
        }
    }

    /** {@return the segment of {@code slot}, a slot this class gave out} */
    private static Segment segment(int slot) {
        for (int k = SEGMENTS - 1; k > 0; k--) {
            final Segment s = (Segment) SEG.getAcquire(SEGS, k);
            if (s != null && slot >= s.base) {
                return s;
            }
        }
        return SEGS[0];
    }

    /** Fibonacci hashing of the thread's id, other bits than ThreadGuard's home. */
    private static int hash(Thread t) {
        return (int) ((ThreadGuard.id(t) * 0x9E3779B97F4A7C15L) >>> 33);
    }

    // ---------------------------------------------------------------- the per-thread objects (written under ThreadGuard's lock)

    static ThreadGuard guard(int slot) {
        final Segment s = segment(slot);
        return s.guards[slot - s.base];
    }

    static void setGuard(int slot, ThreadGuard g) {
        final Segment s = segment(slot);
        s.guards[slot - s.base] = g;
    }

    /** Keeps {@code g}, the object of {@code t}, in its entry (claimed if it holds none) until {@code t} dies. */
    static void keep(Thread t, ThreadGuard g) {
        int slot = find(t);
        if (slot < 0) {
            slot = claim(t);
        }
        setGuard(slot, g);
    }

    /** {@return the object of {@code t} kept here, or null} */
    static ThreadGuard guardOf(Thread t) {
        final int slot = find(t);
        return slot < 0 ? null : guard(slot);
    }

    /** Resets the PER_CPU counter {@code id} of every thread kept here. */
    static void resetPerCpu(int id) {
        for (Segment s : SEGS) {
            if (s == null) {
                return;
            }
            for (ThreadGuard g : s.guards) {
                if (g != null && id < g.perCpu.length) {
                    g.perCpu[id] = 0;
                }
            }
        }
    }

    /** Frees the entries of dead threads (those kept for their objects; the rest go back when their call ends). */
    static void sweep() {
        for (Segment s : SEGS) {
            if (s == null) {
                return;
            }
            for (int i = 0; i < s.owners.length; i++) {
                final Thread t = s.owners[i];
                if (t != null && !t.isAlive()) {
                    s.guards[i] = null;
                    s.busy[i] = false;
                    free(s, i, t);
                }
            }
        }
    }

    /** {@return the entries of every segment made so far} For tests: the table must grow only with the threads inside calls at once. */
    static int capacity() {
        int n = 0;
        for (Segment s : SEGS) {
            if (s != null) {
                n += s.owners.length;
            }
        }
        return n;
    }

    /** {@return the thread holding {@code slot}, or null} For tests. */
    static Thread owner(int slot) {
        final Segment s = segment(slot);
        return s.owners[slot - s.base];
    }
}
