package org.jftrace.tracers.function;

import static org.jftrace.tracers.ring.EventLayout.FLAG_PARENT_EXACT;
import static org.jftrace.tracers.ring.EventLayout.FLAG_PARENT_NEAREST;
import static org.jftrace.tracers.ring.EventLayout.KIND_FUNCTION;
import static org.jftrace.tracers.ring.EventLayout.KIND_STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jftrace.Ftrace;
import org.jftrace.FunctionInfo;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.TraceEvent;
import org.jftrace.tracers.GoldenFiles;
import org.junit.jupiter.api.Test;

/**
 * The function tracer's {@code trace} file, header and lines, for a fixed sequence of events (no
 * agent, fixed resolvers and thread names): one golden file per option set (parents not recorded,
 * exact with and without sym-offset, nearest, the counter clock). The layout is the kernel's
 * {@code Documentation/trace/ftrace.rst} "function" output without irq-info:
 * {@code TASK-PID CPU# TIMESTAMP: function <-parent}, the CPU column being the buffer here.
 */
class FunctionTraceGoldenTest {
    static final long RUN = 1 << 16, LEAF = 2 << 16, CALLER = 3 << 16;
    static final long TID1 = 101, TID2 = 102, GONE = 103;
    /** Timestamps count from one second after the ring clock's origin. */
    static final long T0 = RingBuffer.clockEpoch() + 1_000_000_000L;

    static Optional<FunctionInfo> resolve(long ip) {
        long fn = ip & ~0xFFFFL;
        int bci = (int) (ip & 0xFFFF);
        String m = fn == RUN ? "run" : fn == LEAF ? "leaf" : fn == CALLER ? "caller" : null;
        if (m == null) {
            return Optional.empty();
        }
        return Optional.of(new FunctionInfo(ip, fn == CALLER ? "a.C" : "a.B", m, "()V", "()", "", "B.java", 10, bci));
    }

    static String task(int buffer, long tid) {
        return tid == TID1 ? "worker-1" : tid == TID2 ? "pool-1-thread-2" : null;
    }

    private final List<TraceEvent> events = new ArrayList<>();

    private void fn(int buffer, long tid, long at, long ip, int flags, long parentIp) {
        events.add(new TraceEvent(buffer, events.size(), at, tid, ip, parentIp, KIND_FUNCTION, flags, 0, 0, 0));
    }

    /**
     * Two threads on two buffers, a thread no longer known, and a stack trace event; {@code flags}
     * and the parents say which parent option recorded them. Timestamps are {@code T0 + at} for the
     * mono clock, {@code at} itself for the counter.
     */
    private List<TraceEvent> sequence(int flags, long t0, long[] at) {
        boolean exact = flags == FLAG_PARENT_EXACT;
        boolean nearest = flags == FLAG_PARENT_NEAREST;
        fn(0, TID1, t0 + at[0], RUN, flags, exact ? CALLER | 12 : nearest ? Ftrace.UNKNOWN_IP : 0);
        fn(0, TID1, t0 + at[1], LEAF, flags, exact ? RUN | 7 : nearest ? RUN : 0);
        fn(1, TID2, t0 + at[2], LEAF, flags, exact ? Ftrace.UNKNOWN_IP : nearest ? Ftrace.UNKNOWN_IP : 0);
        fn(1, GONE, t0 + at[3], RUN, flags, exact ? 0x63 : nearest ? CALLER : 0);
        events.add(new TraceEvent(0, events.size(), t0 + at[4], TID1, LEAF, 0, KIND_STACK, 0, 0, 0, 2));
        return events;
    }

    private static final long[] MONO = {0, 1_482, 2_000_004, 3_500_000_000L, 3_500_000_001L};
    private static final long[] COUNTS = {0, 1, 2, 3, 4};

    private static String trace(RingBuffer ring, boolean symOffset, List<TraceEvent> events) {
        List<BufferStats> stats = List.of(new BufferStats(0, 3, 3, 0, 0, 0), new BufferStats(1, 2, 7, 1, 4, 0));
        FunctionTraceFormat f = new FunctionTraceFormat(ring, symOffset, FunctionTraceGoldenTest::resolve,
                FunctionTraceGoldenTest::task).withStacks(id -> id == 0 ? List.of("a.B.leaf", "a.B.run", "a.C.caller") : null);
        StringBuilder sb = new StringBuilder();
        f.header(sb, FunctionTracer.NAME, stats);
        f.lines(sb, events);
        return sb.toString();
    }

    private static RingBuffer ring(TraceClock clock) {
        return RingBuffer.create(4, 2, BufferMode.OVERWRITE, clock);
    }

    static String golden(String name) throws IOException {
        return GoldenFiles.read(FunctionTraceGoldenTest.class, name);
    }

    @Test
    void parentsNotRecorded() throws IOException {
        assertEquals(golden("default.txt"), trace(ring(TraceClock.MONO), false, sequence(0, T0, MONO)));
    }

    @Test
    void exactParents() throws IOException {
        assertEquals(golden("parent-ip.txt"), trace(ring(TraceClock.MONO), false, sequence(FLAG_PARENT_EXACT, T0, MONO)));
    }

    @Test
    void exactParentsWithSymOffset() throws IOException {
        assertEquals(golden("parent-ip-sym-offset.txt"),
                trace(ring(TraceClock.MONO), true, sequence(FLAG_PARENT_EXACT, T0, MONO)));
    }

    @Test
    void nearestTracedParents() throws IOException {
        assertEquals(golden("parents-nearest.txt"),
                trace(ring(TraceClock.MONO), true, sequence(FLAG_PARENT_NEAREST, T0, MONO)));
    }

    @Test
    void counterClock() throws IOException {
        assertEquals(golden("counter-clock.txt"), trace(ring(TraceClock.COUNTER), false, sequence(0, 0, COUNTS)));
    }
}
