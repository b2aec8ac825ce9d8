package org.jftrace.tracers.ring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * The trace ring buffer: a fixed set of {@link WriterBuffer}s (the kernel's per-CPU buffers), each
 * of {@code buffer_size_kb}, in {@link BufferMode#OVERWRITE} or {@link BufferMode#DROP} mode.
 *
 * <p><b>Writers</b> ({@link #write}) take no lock and allocate nothing. A thread writes to the
 * buffer its id hashes to (its home), which it claims with one compare-and-set for the record's
 * stores; if another writer holds it, it tries the next buffers in turn, and if every buffer is
 * busy the event is counted lost on its home buffer. The number of buffers is fixed (#P), however
 * many threads write: a million virtual threads share them as the platform threads do.
 *
 * <p><b>Kept buffers.</b> A thread that finds its home buffer free, while fewer than half the
 * buffers are kept, keeps it: it holds the claim for as long as it lives and writes with no atomic
 * operation at all (the claim's compare-and-set and release were a third of a record's cost). The
 * others skip a kept buffer as they skip a claimed one, and half the buffers are always left to
 * them. A virtual thread does not keep: parked, it would hold a buffer others need, and its few
 * writes would leave that buffer's older events in place while the rest overwrite theirs. A buffer
 * whose keeper has ended passes to the next thread whose home it is, and a reader
 * ({@link #snapshot}, {@link #consume}, {@link #stats}, {@link #clear}) frees the others, so
 * threads that come and go leave nothing kept behind.
 *
 * <p><b>Readers</b> hold a read lock among themselves only: {@link #snapshot()} ({@code trace})
 * copies every readable event without consuming; {@link #consume} ({@code trace_pipe}) takes
 * events for good. A reader never waits for a writer: a record overwritten under it fails its
 * sequence check, is skipped and counted.
 */
public final class RingBuffer {
    /** The kernel's default is 1408 KB per CPU; here a power of two of records: 16,384 per buffer. */
    public static final int DEFAULT_BUFFER_SIZE_KB = 1024;
    /** Largest buffer_size_kb: 1 GiB per buffer (a Java array holds at most 2^31 words). */
    public static final int MAX_BUFFER_SIZE_KB = 1 << 20;
    /** Largest number of buffers. */
    public static final int MAX_BUFFERS = 1024;

    /**
     * What {@link #writeClocked} returns for an event it did not write. {@code System.nanoTime()}
     * could only return it after some 292 years of uptime.
     */
    public static final long NOT_WRITTEN = Long.MIN_VALUE;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** trace_clock=mono: origin of the timestamps printed, the first time a ring buffer class is used. */
    private static final long CLOCK_EPOCH = System.nanoTime();

    private final WriterBuffer[] buffers;
    private final int mask;
    private final int bufferSizeKb;
    private final BufferMode mode;
    private final TraceClock clock;
    private final Object readLock = new Object();
    private final StackTraces stacks = new StackTraces();
    /** tracing_on: when false, writes return at once and count nothing (the kernel's ring_buffer_record_off). */
    private volatile boolean recording = true;
    /** Which buffers are kept ({@link WriterClaim#keptBy}): at most half, by platform threads. */
    private final KeptClaims keeping;

    private RingBuffer(int bufferSizeKb, int count, BufferMode mode, TraceClock clock) {
        this.bufferSizeKb = bufferSizeKb;
        this.mode = mode;
        this.clock = clock;
        int records = bufferSizeKb * 1024 / EventLayout.RECORD_BYTES;
        this.buffers = new WriterBuffer[count];
        // one counter for all buffers: the counter orders events across them
        CoarseClock shared = clock == TraceClock.MONO ? null : new CoarseClock(clock);
        for (int i = 0; i < count; i++) {
            buffers[i] = new WriterBuffer(i, records, mode, shared);
        }
        this.mask = count - 1;
        this.keeping = new KeptClaims(count);
    }

    /**
     * {@return a ring buffer of {@code buffers} buffers of {@code bufferSizeKb} KB each}
     *
     * @param bufferSizeKb the size of each buffer in KB (buffer_size_kb), rounded up to a power of two
     *                     number of 64-byte records: 1 to {@link #MAX_BUFFER_SIZE_KB}
     * @param buffers      how many buffers (#P), rounded up to a power of two: 1 to {@link #MAX_BUFFERS}
     * @param mode         overwrite or drop, not {@code null}
     * @throws FtraceException EINVAL for a size or count out of range, or buffers that would not
     *                         fit in half of the heap; the message says what to change
     */
    public static RingBuffer create(int bufferSizeKb, int buffers, BufferMode mode) {
        return create(bufferSizeKb, buffers, mode, TraceClock.MONO);
    }

    /**
     * As {@link #create(int, int, BufferMode)}, stamping records with {@code clock} ({@code trace_clock}).
     *
     * @throws FtraceException EINVAL as there, and for a null clock
     */
    public static RingBuffer create(int bufferSizeKb, int buffers, BufferMode mode, TraceClock clock) {
        if (clock == null) {
            throw new FtraceException(Errno.EINVAL, "trace_clock is null: give TraceClock.MONO, COUNTER or UPTIME");
        }
        if (mode == null) {
            throw new FtraceException(Errno.EINVAL, "buffer mode is null: give BufferMode.OVERWRITE or BufferMode.DROP");
        }
        if (bufferSizeKb < 1 || bufferSizeKb > MAX_BUFFER_SIZE_KB) {
            throw new FtraceException(Errno.EINVAL, "buffer_size_kb " + bufferSizeKb + " is out of range: give 1 to "
                    + MAX_BUFFER_SIZE_KB + " (KB per buffer; the default is " + DEFAULT_BUFFER_SIZE_KB + ")");
        }
        if (buffers < 1 || buffers > MAX_BUFFERS) {
            throw new FtraceException(Errno.EINVAL, "number of buffers " + buffers + " is out of range: give 1 to "
                    + MAX_BUFFERS + " (the default is " + defaultBuffers() + ")");
        }
        int kb = ceilPow2(bufferSizeKb);
        int count = ceilPow2(buffers);
        long bytes = (long) kb * 1024 * count;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw new FtraceException(Errno.EINVAL, "buffer_size_kb " + bufferSizeKb + " x " + count + " buffers needs "
                    + (bytes >> 20) + " MB, more than half the heap (" + (heap >> 20)
                    + " MB): lower buffer_size_kb or the number of buffers, or raise -Xmx");
        }
        return new RingBuffer(kb, count, mode, clock);
    }

    /** {@return a ring buffer of the default size and number of buffers, in overwrite mode} */
    public static RingBuffer create() {
        return create(DEFAULT_BUFFER_SIZE_KB, defaultBuffers(), BufferMode.OVERWRITE);
    }

    /**
     * {@return the default number of buffers: twice the processors, at least 4, as a power of two}
     * More buffers than processors, so that a writer the OS deschedules while it holds its buffer
     * rarely sends others probing further.
     */
    public static int defaultBuffers() {
        return ceilPow2(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    private static int ceilPow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /**
     * {@return the mono clock's origin: {@link TraceEvent#timestamp()} minus this is the time printed}
     * The kernel's mono clock counts from boot; this one from when the JVM first used a ring buffer.
     */
    public static long clockEpoch() {
        return CLOCK_EPOCH;
    }

    /** {@return buffer_size_kb as in effect (the requested size rounded up to a power of two)} */
    public int bufferSizeKb() {
        return bufferSizeKb;
    }

    /** {@return records each buffer holds} */
    public int capacity() {
        return buffers[0].capacity;
    }

    /** {@return the number of buffers (#P)} */
    public int buffers() {
        return buffers.length;
    }

    /** {@return trace_clock: what the records are stamped with} */
    public TraceClock clock() {
        return clock;
    }

    /** {@return overwrite or drop} */
    public BufferMode mode() {
        return mode;
    }

    /** {@return the frames of this ring's {@link EventLayout#KIND_STACK} records} */
    public StackTraces stacks() {
        return stacks;
    }

    /** {@return whether writes are recorded (tracing_on)} */
    public boolean isRecording() {
        return recording;
    }

    /** Turns recording on or off (tracing_on); off, writes are neither stored nor counted. */
    public void setRecording(boolean on) {
        recording = on;
    }

    /** {@return the buffer {@code tid} writes to first} */
    public int homeBuffer(long tid) {
        return (int) ((tid * GOLDEN) >>> 40) & mask;
    }

    /**
     * Writes one event for the current thread, stamped with the ring's {@link #clock()}. Takes no lock,
     * allocates nothing, calls no method of a class jftrace can trace ({@code Thread},
     * {@code System.nanoTime}, {@code VarHandle}).
     *
     * @return whether it was written: false when recording is off, when the buffer is full in drop
     *         mode, or when every buffer was busy (both counted as lost)
     */
    public boolean write(int kind, int flags, int depth, long ip, long parentIp, long payload0, long payload1) {
        return writeClocked(kind, flags, depth, ip, parentIp, payload0, payload1) != NOT_WRITTEN;
    }

    /**
     * As {@link #write}, returning the timestamp the event got: function_graph's entry keeps it as
     * the call's start, so that an entry costs one clock read, not two.
     *
     * @return the event's timestamp, or {@link #NOT_WRITTEN} when it was not written (as {@link #write})
     */
    public long writeClocked(int kind, int flags, int depth, long ip, long parentIp, long payload0, long payload1) {
        if (!recording) {
            return NOT_WRITTEN;
        }
        final Thread thread = Thread.currentThread();
        @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
        final long tid = thread.getId();
        final long meta = EventLayout.meta(kind, flags, depth);
        final WriterBuffer[] bs = buffers;
        final int m = mask;
        final int home = homeBuffer(tid);
        final WriterBuffer hb = bs[home];
        if (hb.keptBy(thread)) {
            return hb.commit(thread, tid, meta, ip, parentIp, payload0, payload1); // its own: no claim
        }
        if (hb.tryClaim()) {
            if (keeping.tryKeep(hb, thread)) {
                return hb.commit(thread, tid, meta, ip, parentIp, payload0, payload1);
            }
            try {
                return hb.commit(thread, tid, meta, ip, parentIp, payload0, payload1);
            } finally {
                hb.release();
            }
        }
        if (hb.takeOverFromEnded(thread)) { // its keeper ended: kept by this thread from now on
            return hb.commit(thread, tid, meta, ip, parentIp, payload0, payload1);
        }
        for (int k = 1; k <= m; k++) {
            final WriterBuffer b = bs[(home + k) & m];
            if (b.tryClaim()) {
                try {
                    return b.commit(thread, tid, meta, ip, parentIp, payload0, payload1);
                } finally {
                    b.release();
                }
            }
        }
        hb.countBusyLost();
        return NOT_WRITTEN;
    }

    /** {@return the thread that keeps buffer {@code buffer} now, or null} (for tests and the status). */
    Thread keeper(int buffer) {
        return buffers[buffer].keeper();
    }

    /**
     * Appends the head every tracer's text starts with (the kernel's): {@code # tracer:}, entries in
     * buffer and written, then jftrace's counts (lost, overrun, read, size, mode) in total and per
     * buffer, and a {@code #} line.
     */
    public void appendCounts(StringBuilder sb, String tracer, List<BufferStats> stats) {
        BufferStats t = BufferStats.total(stats);
        sb.append("# tracer: ").append(tracer).append('\n');
        sb.append("#\n");
        sb.append("# entries-in-buffer/entries-written: ").append(t.entries()).append('/').append(t.written())
                .append("   #P:").append(stats.size()).append('\n');
        sb.append("# lost: ").append(t.lost()).append("   overrun: ").append(t.overrun()).append("   read: ")
                .append(t.read()).append("   buffer_size_kb: ").append(bufferSizeKb()).append("   mode: ")
                .append(mode().name().toLowerCase()).append('\n');
        for (BufferStats s : stats) {
            sb.append(String.format("#   buffer %03d: entries %d  written %d  lost %d  overrun %d  read %d\n",
                    s.buffer(), s.entries(), s.written(), s.lost(), s.overrun(), s.read()));
        }
        sb.append("#\n");
    }

    /**
     * {@return every readable event of every buffer, merged in timestamp order, without consuming
     * them (the kernel's {@code trace} file)}; with the counts taken right after the copy
     */
    public Snapshot snapshot() {
        synchronized (readLock) {
            keeping.unkeepEnded(buffers);
            List<TraceEvent> events = new ArrayList<>();
            for (WriterBuffer b : buffers) {
                b.copy(events, false, Integer.MAX_VALUE);
            }
            events.sort(ORDER);
            return new Snapshot(events, statsLocked());
        }
    }

    /**
     * Takes up to {@code max} unread events from each buffer for good ({@code trace_pipe}), merged in
     * timestamp order; does not wait ({@link TracePipe} waits).
     */
    public List<TraceEvent> consume(int max) {
        if (max < 1) {
            throw new FtraceException(Errno.EINVAL, "max events " + max + ": give at least 1");
        }
        synchronized (readLock) {
            keeping.unkeepEnded(buffers);
            List<TraceEvent> events = new ArrayList<>();
            for (WriterBuffer b : buffers) {
                b.copy(events, true, max);
            }
            events.sort(ORDER);
            return events;
        }
    }

    /** {@return whether some buffer holds an unread event} */
    public boolean hasUnread() {
        for (WriterBuffer b : buffers) {
            if (b.hasUnread()) {
                return true;
            }
        }
        return false;
    }

    /** {@return the counts of each buffer, by buffer number} */
    public List<BufferStats> stats() {
        synchronized (readLock) {
            keeping.unkeepEnded(buffers);
            return statsLocked();
        }
    }

    private List<BufferStats> statsLocked() {
        List<BufferStats> s = new ArrayList<>(buffers.length);
        for (WriterBuffer b : buffers) {
            s.add(b.stats());
        }
        return s;
    }

    /** Empties every buffer and zeroes its counts ({@code echo > trace}); writers go on meanwhile. */
    public void clear() {
        synchronized (readLock) {
            keeping.unkeepEnded(buffers);
            for (WriterBuffer b : buffers) {
                b.reset();
            }
        }
    }

    /**
     * {@return the name thread {@code tid} had when it last wrote to {@code buffer}, or null if
     * unknown (the kernel prints {@code <...>}): each buffer remembers its last
     * {@value WriterBuffer#SAVED_CMDLINES} threads}
     */
    public String threadName(int buffer, long tid) {
        return buffers[buffer].threadName(tid);
    }

    /** Timestamp order; ties by buffer, then position (which keeps a buffer's order). */
    private static final Comparator<TraceEvent> ORDER = Comparator.comparingLong(TraceEvent::timestamp)
            .thenComparingInt(TraceEvent::buffer).thenComparingLong(TraceEvent::position);

    /**
     * What {@link #snapshot()} read.
     *
     * @param events the events, in timestamp order
     * @param stats  each buffer's counts
     */
    public record Snapshot(List<TraceEvent> events, List<BufferStats> stats) {
        /** {@return the counts of all buffers together} */
        public BufferStats total() {
            return BufferStats.total(stats);
        }
    }
}
