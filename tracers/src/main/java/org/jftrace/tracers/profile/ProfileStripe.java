package org.jftrace.tracers.profile;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One stripe of a {@link FunctionProfiler}'s counters: the kernel's per-CPU
 * {@code ftrace_profile_stat}, an open-addressing hash of functions in one {@code long[]}, written by
 * one thread at a time (the one holding {@link #owner}, claimed with one compare-and-set, as a ring
 * buffer's writer claims its buffer), read under the same claim.
 *
 * <pre>
 *  word  0      1      2      3      4        5        6  7
 *       +------+------+------+------+--------+--------+------+
 *       | IP   | TID  | HITS | TIME | SQ_LO  | SQ_HI  | free |   one slot: 64 bytes, one cache line
 *       +------+------+------+------+--------+--------+------+
 * </pre>
 * IP 0 marks a free slot (no method has ip 0: it is {@code Ftrace.UNKNOWN_IP}). TID is the thread
 * id with per-thread profiles, else 0. TIME sums the durations in ns; SQ_HI:SQ_LO sums their squares
 * as an unsigned 128-bit number (a 3 s call squared is past 2^63 ns^2), for the variance.
 */
final class ProfileStripe {
    static final int STRIDE = 8;
    static final int IP = 0, TID = 1, HITS = 2, TIME = 3, SQ_LO = 4, SQ_HI = 5;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle OWNER;
    private static final VarHandle LOST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER = l.findVarHandle(ProfileStripe.class, "owner", int.class);
            LOST = l.findVarHandle(ProfileStripe.class, "lost", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] words;
    private final int mask;
    /** Most keys kept: 3/4 of the slots, so that a probe stays short. */
    private final int limit;
    /** Keys in use; owner-only. */
    private int used;
    /** 1 while a thread holds the stripe (compare-and-set, acquire; released by a release store). */
    private int owner;
    /** Durations not counted: the table was full, or every stripe was busy (atomic adds). */
    private long lost;

    ProfileStripe(int slots) {
        this.words = new long[slots * STRIDE];
        this.mask = slots - 1;
        this.limit = slots - slots / 4;
    }

    /** Test-and-test-and-set, as {@code WriterBuffer}: a busy stripe costs a plain read. */
    boolean tryClaim() {
        return (int) OWNER.getOpaque(this) == 0 && OWNER.compareAndSet(this, 0, 1);
    }

    /** Ends the claim; the release publishes the counters to the next holder (writer or reader). */
    void release() {
        OWNER.setRelease(this, 0);
    }

    /** Claims the stripe for a reader, waiting out the writer that holds it (one update long). */
    void claimForReader() {
        while (!tryClaim()) {
            Thread.onSpinWait();
        }
    }

    /** Adds one call of {@code ip} lasting {@code nanos} (the holder only). Allocates nothing. */
    void add(long ip, long tid, long nanos) {
        final long[] w = words;
        final int m = mask;
        int slot = (int) (((ip ^ tid * GOLDEN) * GOLDEN) >>> 40) & m;
        while (true) {
            final int base = slot * STRIDE;
            final long key = w[base + IP];
            if (key == ip && w[base + TID] == tid) {
                break;
            }
            if (key == 0) {
                if (used >= limit) {
                    LOST.getAndAdd(this, 1L); // atomic: busy writers add here too
                    return;
                }
                used++;
                w[base + IP] = ip;
                w[base + TID] = tid;
                break;
            }
            slot = (slot + 1) & m;
        }
        final int base = slot * STRIDE;
        w[base + HITS]++;
        w[base + TIME] += nanos;
        final long lo = nanos * nanos;
        final long hi = Math.multiplyHigh(nanos, nanos);
        final long sum = w[base + SQ_LO] + lo;
        // carry out of the low word: the unsigned sum wrapped below an addend
        w[base + SQ_HI] += hi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
        w[base + SQ_LO] = sum;
    }

    /** Counts a duration whose writer found every stripe busy (this is its home stripe). */
    void countBusyLost() {
        LOST.getAndAdd(this, 1L);
    }

    long lost() {
        return (long) LOST.getVolatile(this);
    }

    /** Hands every used slot's words to {@code out} (under the reader's claim). */
    void forEach(Consumer<long[]> out) {
        final long[] w = words;
        long[] slot = new long[STRIDE];
        for (int base = 0; base < w.length; base += STRIDE) {
            if (w[base + IP] != 0) {
                System.arraycopy(w, base, slot, 0, STRIDE);
                out.accept(slot);
            }
        }
    }

    /** Zeroes every counter (under the reader's claim). */
    void reset() {
        Arrays.fill(words, 0L);
        used = 0;
        LOST.setVolatile(this, 0L);
    }
}
