package org.jftrace.tracers.ring;

import static org.jftrace.tracers.ring.EventLayout.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;

/**
 * One buffer of a {@link RingBuffer}: the kernel's {@code ring_buffer_per_cpu}. A fixed
 * {@code long[]} of records (see {@link EventLayout}), written by one thread at a time (the one
 * holding its {@link WriterClaim}) and read by any number of readers, one at a time (they hold the ring's
 * read lock).
 *
 * <p>Writer grammar: {@code tryClaim (commit)? release}, or for the thread that keeps the buffer
 * (claimed once and never released while it lives: {@link WriterClaim#keptBy}) {@code commit*}. Positions count
 * records written since the buffer was made (events show them since the last clear); position
 * {@code p} lives in slot {@code p & mask}.
 * Writer-owned: {@code head} (the next position), {@code lost}, the thread-name table.
 * Reader-owned: {@code tail} (the next position {@code trace_pipe} consumes), {@code clearedAt}
 * (head at the last clear), {@code overrunSkipped}, {@code read}.
 *
 * <p>Accounting (the kernel's, for one writer per buffer): overrun is every record the writer
 * overwrote before a reader consumed it, {@code overrunSkipped + max(0, head - capacity - tail)};
 * entries is {@code head - max(tail, head - capacity)}; written is {@code head - clearedAt}; so
 * {@code written == read + overrun + entries}.
 */
final class WriterBuffer extends WriterClaim {
    private static final VarHandle HEAD;
    private static final VarHandle LOST;
    private static final VarHandle BUSY_LOST;
    private static final VarHandle TAIL;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle NAMES = MethodHandles.arrayElementVarHandle(String[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(WriterBuffer.class, "head", long.class);
            LOST = l.findVarHandle(WriterBuffer.class, "lost", long.class);
            BUSY_LOST = l.findVarHandle(WriterBuffer.class, "busyLost", long.class);
            TAIL = l.findVarHandle(WriterBuffer.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Thread names kept per buffer: the kernel's saved_cmdlines (128 there). */
    static final int SAVED_CMDLINES = 128;

    final int number;
    final int capacity;
    private final int mask;
    private final boolean drop;
    private final long[] words;
    /** saved_cmdlines: tid and name per slot, written by the owner; -1 marks a slot being replaced. */
    private final long[] cmdlineTids = new long[SAVED_CMDLINES];
    private final String[] cmdlineNames = new String[SAVED_CMDLINES];

    /** Next position. Written by the owner (release: pairs with a reader's acquire of head, after the record's SEQ). */
    private long head;
    /** Dropped events (drop mode), written by the owner with opaque stores. */
    private long lost;
    /** Events lost by writers whose home this is and which found every buffer busy (atomic add: no owner then). */
    private long busyLost;
    /** Next position trace_pipe consumes (release by the reader; acquire by a writer in drop mode). */
    private long tail;
    private long overrunSkipped;
    private long read;
    /** Head, lost and busy-lost at the last clear: the counts shown are since then. Reader-owned. */
    private long clearedAt;
    private long lostBase;
    private long busyLostBase;
    /** trace_clock other than mono (the counter, the coarse uptime), or null for mono. */
    private final CoarseClock clock;

    WriterBuffer(int number, int capacity, BufferMode mode, CoarseClock clock) {
        this.clock = clock;
        this.number = number;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.drop = mode == BufferMode.DROP;
        this.words = new long[capacity << RECORD_SHIFT];
        for (int i = 0; i < capacity; i++) {
            words[i << RECORD_SHIFT] = BUSY; // never committed: no position matches it
        }
        Arrays.fill(cmdlineTids, -1L);
    }

    // ---------------------------------------------------------------- writer side

    /**
     * Writes one record at {@code head}, or counts it lost when the buffer is full in drop mode.
     * Only the owner calls this. Allocates nothing.
     *
     * @return the event's timestamp, or {@link RingBuffer#NOT_WRITTEN} when it was not written
     */
    long commit(Thread thread, long tid, long meta, long ip, long parentIp, long p0, long p1) {
        final long h = head;
        if (drop && h - (long) TAIL.getAcquire(this) >= capacity) {
            LOST.setOpaque(this, lost + 1);
            return RingBuffer.NOT_WRITTEN;
        }
        final int base = (int) (h & mask) << RECORD_SHIFT;
        final long[] w = words;
        WORDS.setOpaque(w, base + SEQ, BUSY);
        // BUSY must be visible before any word changes: a reader that then reads SEQ == h
        // twice around its copy knows no word of it was overwritten (pairs with loadLoadFence in copy).
        VarHandle.storeStoreFence();
        // The clock is read under the claim, so timestamps within a buffer never go back.
        final CoarseClock c = clock;
        final long now = c == null ? System.nanoTime() : c.read(); // mono: one predictable branch more
        WORDS.setOpaque(w, base + TIMESTAMP, now);
        WORDS.setOpaque(w, base + IP, ip);
        WORDS.setOpaque(w, base + PARENT_IP, parentIp);
        WORDS.setOpaque(w, base + TID, tid);
        WORDS.setOpaque(w, base + META, meta);
        WORDS.setOpaque(w, base + PAYLOAD0, p0);
        WORDS.setOpaque(w, base + PAYLOAD1, p1);
        WORDS.setRelease(w, base + SEQ, h); // commit: the words above happen-before a reader's acquire of SEQ
        HEAD.setRelease(this, h + 1);
        recordCmdline(thread, tid);
        return now;
    }

    /** tracing_record_cmdline: remembers the thread's name the first time it writes here (no allocation). */
    private void recordCmdline(Thread thread, long tid) {
        final int slot = (int) (tid ^ tid >>> 17) & (SAVED_CMDLINES - 1);
        if (cmdlineTids[slot] != tid) {
            WORDS.setOpaque(cmdlineTids, slot, -1L);
            VarHandle.storeStoreFence(); // -1 before the name: a reader never pairs the new name with the old tid
            NAMES.setOpaque(cmdlineNames, slot, thread.getName());
            WORDS.setRelease(cmdlineTids, slot, tid);
        }
    }

    /** Counts an event whose writer found every buffer busy (this is its home buffer). */
    void countBusyLost() {
        BUSY_LOST.getAndAdd(this, 1L);
    }

    // ---------------------------------------------------------------- reader side (under the ring's read lock)

    /** {@return the name {@code tid} had when it last wrote here, or null if another thread took its slot since} */
    String threadName(long tid) {
        final int slot = (int) (tid ^ tid >>> 17) & (SAVED_CMDLINES - 1);
        long t1 = (long) WORDS.getAcquire(cmdlineTids, slot);
        String name = (String) NAMES.getOpaque(cmdlineNames, slot);
        VarHandle.loadLoadFence();
        long t2 = (long) WORDS.getOpaque(cmdlineTids, slot);
        return t1 == tid && t2 == tid ? name : null;
    }

    /**
     * Copies the readable records to {@code out}, oldest first: all of them for {@code trace}
     * ({@code consume == false}: nothing changes), or up to {@code max} for {@code trace_pipe},
     * which then moves {@code tail} past them. A record overwritten while it was copied is
     * skipped: as a consumed position it counts as an overrun.
     *
     * @return how many records were skipped as overwritten under the reader
     */
    int copy(List<TraceEvent> out, boolean consume, int max) {
        final long h = (long) HEAD.getAcquire(this);
        final long t = tail;
        final long start = Math.max(t, h - capacity);
        final long end = consume ? Math.min(h, start + max) : h;
        int skipped = 0;
        final long[] w = words;
        for (long p = start; p < end; p++) {
            final int base = (int) (p & mask) << RECORD_SHIFT;
            if ((long) WORDS.getAcquire(w, base + SEQ) != p) {
                skipped++; // a later lap is being written (or was) over it
                continue;
            }
            long ts = (long) WORDS.getOpaque(w, base + TIMESTAMP);
            long ip = (long) WORDS.getOpaque(w, base + IP);
            long parent = (long) WORDS.getOpaque(w, base + PARENT_IP);
            long tid = (long) WORDS.getOpaque(w, base + TID);
            long meta = (long) WORDS.getOpaque(w, base + META);
            long p0 = (long) WORDS.getOpaque(w, base + PAYLOAD0);
            long p1 = (long) WORDS.getOpaque(w, base + PAYLOAD1);
            VarHandle.loadLoadFence(); // the words before the second SEQ read (pairs with storeStoreFence in commit)
            if ((long) WORDS.getOpaque(w, base + SEQ) != p) {
                skipped++; // torn: a writer started on this slot while we copied
                continue;
            }
            out.add(new TraceEvent(number, p - clearedAt, ts, tid, ip, parent, kind(meta), flags(meta), depth(meta), p0, p1));
        }
        if (consume) {
            overrunSkipped += (start - t) + skipped;
            read += (end - start) - skipped;
            TAIL.setRelease(this, end); // frees room for a writer in drop mode (pairs with its acquire)
        }
        return skipped;
    }

    /** {@return whether a consumer would find a record now} */
    boolean hasUnread() {
        return (long) HEAD.getAcquire(this) > tail;
    }

    BufferStats stats() {
        final long h = (long) HEAD.getAcquire(this);
        final long t = tail;
        final long overwritten = Math.max(0, h - capacity - t);
        final long entries = h - Math.max(t, h - capacity);
        return new BufferStats(number, entries, h - clearedAt,
                (long) LOST.getOpaque(this) - lostBase + (long) BUSY_LOST.getVolatile(this) - busyLostBase,
                overrunSkipped + overwritten, read);
    }

    /**
     * Empties the buffer and zeroes its counts ({@code echo > trace}), on the reader's side: what
     * was written before is never read (the tail moves to the head) and the counts start from
     * here, while a writer, a keeper too, goes on. Under the ring's read lock.
     */
    void reset() {
        final long h = (long) HEAD.getAcquire(this);
        clearedAt = h;
        lostBase = (long) LOST.getOpaque(this);
        busyLostBase = (long) BUSY_LOST.getVolatile(this);
        overrunSkipped = 0;
        read = 0;
        TAIL.setRelease(this, h);
    }
}
