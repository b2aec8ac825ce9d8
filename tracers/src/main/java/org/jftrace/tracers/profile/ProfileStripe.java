package org.jftrace.tracers.profile;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.jftrace.tracers.ring.WriterClaim;

/**
 * One stripe of a {@link FunctionProfiler}'s counters: the kernel's per-CPU
 * {@code ftrace_profile_stat}, an open-addressing hash of functions in one {@code long[]}, written by
 * one thread at a time, the holder of its {@link WriterClaim} (claimed per call, or kept by a
 * platform thread while it lives, as a ring buffer's writer buffer is), and read by anyone at any
 * time: a reader never claims a stripe, so a keeper never waits and never stops a reader.
 *
 * <pre>
 *  word  0      1      2      3      4        5        6      7
 *       +------+------+------+------+--------+--------+------+-----+
 *       | IP   | TID  | HITS | TIME | SQ_LO  | SQ_HI  | free | SEQ |   one slot: 64 bytes, one cache line
 *       +------+------+------+------+--------+--------+------+-----+
 * </pre>
 * IP 0 marks a free slot (no method has ip 0: it is {@code Ftrace.UNKNOWN_IP}). TID is the thread
 * id with per-thread profiles, else 0. TIME sums the durations in ns; SQ_HI:SQ_LO sums their squares
 * as an unsigned 128-bit number (a 3 s call squared is past 2^63 ns^2), for the variance. SEQ is the
 * slot's seqlock: odd while the holder updates it, so a reader copies hits, time and squares of one
 * moment.
 *
 * <p>A full table (3/4 of its slots) is replaced by one twice its size, up to the profiler's
 * {@code functions}; only past that are calls counted lost.
 *
 * <p>Reset ({@code echo 0 > function_profile_enabled} and back) without the claim: a reader raises
 * {@link #resetRequested}; the holder zeroes the stripe before its next update (an odd
 * {@link #epoch} around the zeroing), or the reader itself when it can claim the stripe. Until then
 * every count in the stripe is from before the reset, and readers count it as empty.
 */
final class ProfileStripe extends WriterClaim {
    static final int STRIDE = 8;
    static final int IP = 0, TID = 1, HITS = 2, TIME = 3, SQ_LO = 4, SQ_HI = 5, SEQ = 7;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle LOST;
    private static final VarHandle REQUESTED;
    private static final VarHandle DONE;
    private static final VarHandle EPOCH;
    private static final VarHandle TABLE;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOST = l.findVarHandle(ProfileStripe.class, "lost", long.class);
            REQUESTED = l.findVarHandle(ProfileStripe.class, "resetRequested", long.class);
            DONE = l.findVarHandle(ProfileStripe.class, "resetDone", long.class);
            EPOCH = l.findVarHandle(ProfileStripe.class, "epoch", long.class);
            TABLE = l.findVarHandle(ProfileStripe.class, "words", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The slots. Replaced by a table twice the size when 3/4 full ({@link #grow}), up to
     * {@link #maxSlots}: written by the holder with a release store once the new table is filled,
     * read by readers with an acquire load. The old table is never written again.
     */
    private long[] words;
    /** Holder-only, with {@link #words}. */
    private int mask;
    /** Most keys kept in this table: 3/4 of the slots, so that a probe stays short. Holder-only. */
    private int limit;
    /** The most slots a table may have; lowered when a bigger table could not be allocated. Holder-only. */
    private int maxSlots;
    /** Keys in use; holder-only. */
    private int used;
    /** Durations not counted: the table was full, or every stripe was busy (atomic adds). */
    private long lost;
    /** Resets asked for (readers add one); the holder compares it with {@link #resetDone}. */
    private long resetRequested;
    /** The resets done: written by the holder with a release store after the zeroing. */
    private long resetDone;
    /** Odd while the holder zeroes the stripe; a reader that sees it change drops what it copied. */
    private long epoch;

    /**
     * @param slots    the first table's slots (a power of two)
     * @param maxSlots the most slots it may grow to (a power of two, at least {@code slots})
     */
    ProfileStripe(int slots, int maxSlots) {
        this.words = new long[slots * STRIDE];
        this.mask = slots - 1;
        this.limit = slots - slots / 4;
        this.maxSlots = maxSlots;
    }

    /** {@return the current table's slots} (for tests) */
    int slots() {
        return ((long[]) TABLE.getAcquire(this)).length / STRIDE;
    }

    /** Adds one call of {@code ip} lasting {@code nanos} (the holder only). Allocates nothing. */
    void add(long ip, long tid, long nanos) {
        if (resetDone != (long) REQUESTED.getOpaque(this)) {
            zero(); // a reader asked for a reset since this stripe's last update: it was not counted
        }
        long[] w = words;
        int slot = home(ip, tid, mask);
        boolean fresh = false;
        while (true) {
            final int base = slot * STRIDE;
            final long key = w[base + IP];
            if (key == ip && w[base + TID] == tid) {
                break;
            }
            if (key == 0) {
                if (used >= limit) {
                    if (!grow()) {
                        LOST.getAndAdd(this, 1L); // atomic: busy writers add here too
                        return;
                    }
                    w = words;
                    slot = home(ip, tid, mask); // a new key: probe the new table from its home
                    continue;
                }
                used++;
                fresh = true;
                break;
            }
            slot = (slot + 1) & mask;
        }
        final int base = slot * STRIDE;
        // odd while updating; "| 1" keeps it odd, not even, should an update ever have stopped half way
        final long odd = w[base + SEQ] | 1;
        WORDS.setOpaque(w, base + SEQ, odd);
        VarHandle.storeStoreFence(); // odd before any word changes (pairs with the reader's loadLoadFence)
        if (fresh) {
            WORDS.setOpaque(w, base + IP, ip);
            WORDS.setOpaque(w, base + TID, tid);
        }
        WORDS.setOpaque(w, base + HITS, w[base + HITS] + 1);
        WORDS.setOpaque(w, base + TIME, w[base + TIME] + nanos);
        final long lo = nanos * nanos;
        final long hi = Math.multiplyHigh(nanos, nanos);
        final long sum = w[base + SQ_LO] + lo;
        // carry out of the low word: the unsigned sum wrapped below an addend
        WORDS.setOpaque(w, base + SQ_HI, w[base + SQ_HI] + hi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0));
        WORDS.setOpaque(w, base + SQ_LO, sum);
        WORDS.setRelease(w, base + SEQ, odd + 1);
    }

    private static int home(long ip, long tid, int mask) {
        return (int) (((ip ^ tid * GOLDEN) * GOLDEN) >>> 40) & mask;
    }

    /**
     * Moves the keys to a table twice the size, as the holder: the kernel's profiler has a record
     * for every function, and a fixed table lost every function past its size. Rare (each table
     * at least doubles), so the allocation is not on the steady path. Readers holding the old
     * table read it as it was when it was replaced: it is never written again.
     *
     * @return false when the table is as big as allowed, or a bigger one could not be allocated
     */
    private boolean grow() {
        final long[] old = words;
        final int slots = (mask + 1) << 1;
        if (slots > maxSlots) {
            return false;
        }
        final long[] w;
        try {
            w = new long[slots * STRIDE];
        } catch (OutOfMemoryError e) {
            maxSlots = mask + 1; // count the rest lost rather than fail the traced program's call
            return false;
        }
        final int m = slots - 1;
        for (int base = 0; base < old.length; base += STRIDE) {
            final long ip = old[base + IP];
            if (ip != 0) {
                int slot = home(ip, old[base + TID], m);
                while (w[slot * STRIDE + IP] != 0) {
                    slot = (slot + 1) & m;
                }
                System.arraycopy(old, base, w, slot * STRIDE, SEQ); // SEQ starts at 0 (even) in the new table
            }
        }
        mask = m;
        limit = slots - slots / 4;
        TABLE.setRelease(this, w); // filled before a reader can see it
        return true;
    }

    /** Zeroes every counter, as the holder, for the resets asked for so far. */
    private void zero() {
        final long requested = (long) REQUESTED.getAcquire(this);
        final long odd = epoch + 1 | 1; // a new odd value, even after a zeroing that stopped half way
        EPOCH.setOpaque(this, odd);
        VarHandle.storeStoreFence();
        Arrays.fill(words, 0L); // the table keeps its size
        used = 0;
        DONE.setRelease(this, requested);
        EPOCH.setRelease(this, odd + 1);
    }

    /** Counts a duration whose writer found every stripe busy (this is its home stripe). */
    void countBusyLost() {
        LOST.getAndAdd(this, 1L);
    }

    long lost() {
        return (long) LOST.getVolatile(this);
    }

    // ---------------------------------------------------------------- readers (no claim)

    /**
     * Asks for a reset and does it now if the stripe is free (else its holder does before its next
     * update); the lost count is zeroed at once.
     */
    void requestReset() {
        REQUESTED.getAndAdd(this, 1L);
        LOST.setVolatile(this, 0L);
        if (tryClaim()) {
            try {
                if (resetDone != (long) REQUESTED.getAcquire(this)) {
                    zero();
                }
            } finally {
                release();
            }
        }
    }

    /**
     * Hands a copy of every used slot's words to {@code out}, each slot's counts from one moment;
     * nothing if a reset is pending (every count is from before it); read again if the stripe was
     * zeroed during the copy. Never waits for a claim; a slot being updated is read again once its
     * update is done.
     */
    void forEach(Consumer<long[]> out) {
        final long[] slot = new long[STRIDE];
        for (int tries = 0; ; tries++) {
            final long e = (long) EPOCH.getAcquire(this);
            if ((long) DONE.getAcquire(this) != (long) REQUESTED.getVolatile(this)) {
                return; // a reset is pending: every count here is from before it
            }
            if ((e & 1) == 0) {
                final long[] w = (long[]) TABLE.getAcquire(this);
                final List<long[]> copied = new ArrayList<>();
                for (int base = 0; base < w.length; base += STRIDE) {
                    if (copySlot(w, base, slot) != 0) {
                        copied.add(slot.clone());
                    }
                }
                VarHandle.loadLoadFence();
                if ((long) EPOCH.getOpaque(this) == e) {
                    copied.forEach(out);
                    return;
                }
                // zeroed under us: read it again (the counts since the reset)
            }
            if (tries >= 1000) {
                return; // zeroed again and again, or a zeroing that never finished: nothing of one moment
            }
            Thread.yield();
        }
    }

    /** Copies the slot's words from one moment (read between two equal, even SEQ reads); {@return its IP} */
    private static long copySlot(long[] w, int base, long[] slot) {
        for (int spins = 0; ; spins++) {
            final long s1 = (long) WORDS.getAcquire(w, base + SEQ);
            if ((s1 & 1) == 0) {
                for (int i = 0; i < SEQ; i++) {
                    slot[i] = (long) WORDS.getOpaque(w, base + i);
                }
                VarHandle.loadLoadFence();
                if ((long) WORDS.getOpaque(w, base + SEQ) == s1) {
                    return slot[IP];
                }
            }
            // the holder is inside one update (a few stores): wait it out, yielding if it was descheduled
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 100_000) {
                Thread.yield();
            } else { // never done: its holder died inside the update (a StackOverflowError); as it is
                for (int i = 0; i < SEQ; i++) {
                    slot[i] = (long) WORDS.getOpaque(w, base + i);
                }
                return slot[IP];
            }
        }
    }
}
