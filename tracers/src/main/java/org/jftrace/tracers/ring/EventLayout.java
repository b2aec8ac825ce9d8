package org.jftrace.tracers.ring;

/**
 * The binary record of one event: eight {@code long}s (64 bytes, one cache line) in a buffer's
 * {@code long[]}, decoded to text only when read.
 *
 * <pre>
 *  word  0                                                              63
 *       +----------------------------------------------------------------+
 *   0   | SEQ: the record's position while committed; BUSY while written |
 *   1   | TIMESTAMP: trace_clock (mono: System.nanoTime)                 |
 *   2   | IP: the traced method (opaque, Ftrace.lookup resolves it)      |
 *   3   | PARENT_IP: the caller's call site, or Ftrace.UNKNOWN_IP        |
 *   4   | TID: the writing thread's id                                   |
 *   5   | META: kind (bits 0-7) | flags (8-15) | depth (16-31) | unused  |
 *   6   | PAYLOAD0: free for the tracer (e.g. a duration)                |
 *   7   | PAYLOAD1: free for the tracer                                  |
 *       +----------------------------------------------------------------+
 * </pre>
 *
 * SEQ is the seqlock of the record: a writer sets it to {@link #BUSY} before touching the other
 * words and to the record's position after; a reader accepts the words only when it read that
 * same position in SEQ before and after them.
 */
public final class EventLayout {
    /** Words per record. */
    public static final int RECORD_LONGS = 8;
    /** Bytes per record: what buffer_size_kb is divided by. */
    public static final int RECORD_BYTES = RECORD_LONGS * Long.BYTES;
    /** log2 of {@link #RECORD_LONGS}: a record's first word is its slot shifted by this. */
    static final int RECORD_SHIFT = 3;

    static final int SEQ = 0;
    static final int TIMESTAMP = 1;
    static final int IP = 2;
    static final int PARENT_IP = 3;
    static final int TID = 4;
    static final int META = 5;
    static final int PAYLOAD0 = 6;
    static final int PAYLOAD1 = 7;

    /** SEQ while a writer is filling the record (positions are never negative). */
    static final long BUSY = -1L;

    /** Kind: a function entry (the function tracer's event). */
    public static final int KIND_FUNCTION = 1;
    /**
     * Kind: a function_graph entry (the kernel's {@code ftrace_graph_ent}): TIMESTAMP is the call's
     * start, DEPTH its nesting depth.
     */
    public static final int KIND_GRAPH_ENTRY = 2;
    /**
     * Kind: a function_graph exit (the kernel's {@code ftrace_graph_ret}): TIMESTAMP is the return
     * time, PAYLOAD0 the call time (the entry's TIMESTAMP), so the duration is their difference,
     * computed when read; with {@link #FLAG_THROW}, PAYLOAD1 is the exception class's id.
     */
    public static final int KIND_GRAPH_EXIT = 3;
    /**
     * Kind: a stack trace (the kernel's {@code TRACE_STACK}, written by a {@code stacktrace}
     * trigger): IP is the function whose call fired it, PAYLOAD0 the stack's id in the ring's
     * {@link StackTraces}, resolved to frames when read.
     */
    public static final int KIND_STACK = 4;

    /**
     * Flag: the parent ip came from a stack walk ({@code PARENT_IP}), so it is the exact caller, or
     * {@code UNKNOWN_IP} when the caller is no traceable method (JVM, native or hidden-class frame).
     * Without it the parent was not recorded.
     */
    public static final int FLAG_PARENT_EXACT = 1;

    /** Flag of a {@link #KIND_GRAPH_EXIT}: the call left by an exception (PAYLOAD1: its class's id). */
    public static final int FLAG_THROW = 2;

    /**
     * Flag: the parent ip is the nearest traced frame: the innermost traced call still open on the
     * thread (kept by the exit hooks, the kernel's graph return stack), which is the caller only
     * when the caller is traced; {@code UNKNOWN_IP} when no traced call was open.
     */
    public static final int FLAG_PARENT_NEAREST = 4;

    /** Largest depth a record keeps (16 bits); deeper calls are recorded with this depth. */
    public static final int MAX_DEPTH = 0xFFFF;

    private EventLayout() {
    }

    static long meta(int kind, int flags, int depth) {
        int d = depth < 0 ? 0 : Math.min(depth, MAX_DEPTH);
        return (kind & 0xFFL) | (flags & 0xFFL) << 8 | (long) d << 16;
    }

    static int kind(long meta) {
        return (int) (meta & 0xFF);
    }

    static int flags(long meta) {
        return (int) (meta >>> 8 & 0xFF);
    }

    static int depth(long meta) {
        return (int) (meta >>> 16 & 0xFFFF);
    }
}
