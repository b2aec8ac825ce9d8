package org.jftrace.tracers.graph;

import static org.jftrace.tracers.ring.EventLayout.FLAG_THROW;
import static org.jftrace.tracers.ring.EventLayout.KIND_GRAPH_ENTRY;
import static org.jftrace.tracers.ring.EventLayout.KIND_GRAPH_EXIT;
import static org.jftrace.tracers.ring.EventLayout.KIND_STACK;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jftrace.FunctionInfo;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.TraceEvent;
import org.jftrace.tracers.GoldenFiles;
import org.junit.jupiter.api.Test;

/**
 * function_graph text for a fixed sequence of records (no agent, fixed resolvers): golden files per
 * option set, leaf collapse, markers, thread switches, orphan exits, missing exits, exceptions.
 */
class GraphTraceFormatTest {
    static final String[] NAMES = {null, "a.B.run", "a.B.leaf", "a.B.nest", "a.B.thrower", "a.B.middle"};
    static final long RUN = 1, LEAF = 2, NEST = 3, THROWER = 4, MIDDLE = 5;
    /** Timestamps count from one second after the ring clock's origin. */
    static final long T0 = RingBuffer.clockEpoch() + 1_000_000_000L;

    static final RingBuffer ring = RingBuffer.create(1, 1, BufferMode.OVERWRITE);
    static final long tid1 = 101;
    static final long tid2 = 102;

    static String task(int buffer, long tid) {
        return tid == tid1 ? "worker-1" : tid == tid2 ? "worker-2" : null;
    }

    static Optional<FunctionInfo> resolve(long ip) {
        if (ip < 1 || ip >= NAMES.length) {
            return Optional.empty();
        }
        String n = NAMES[(int) ip];
        int dot = n.lastIndexOf('.');
        return Optional.of(new FunctionInfo(ip, n.substring(0, dot), n.substring(dot + 1), "()V", "()", "", null, -1, 0));
    }

    static String exceptionName(long id) {
        return id == 1 ? "java.lang.IllegalStateException" : ExceptionClassIds.UNKNOWN_NAME;
    }

    private final List<TraceEvent> events = new ArrayList<>();

    private void in(long tid, long at, long ip, int depth) {
        events.add(new TraceEvent(0, events.size(), T0 + at, tid, ip, 0, KIND_GRAPH_ENTRY, 0, depth, 0, 0));
    }

    private void out(long tid, long at, long ip, int depth, long calltime) {
        events.add(new TraceEvent(0, events.size(), T0 + at, tid, ip, 0, KIND_GRAPH_EXIT, 0, depth, T0 + calltime, 0));
    }

    private void threw(long tid, long at, long ip, int depth, long calltime) {
        events.add(new TraceEvent(0, events.size(), T0 + at, tid, ip, 0, KIND_GRAPH_EXIT, FLAG_THROW, depth,
                T0 + calltime, 1));
    }

    /** The known sequence: a tree on worker-1, an orphan exit and an open entry on worker-2, back to worker-1. */
    private List<TraceEvent> sequence() {
        in(tid1, 0, RUN, 0);
        in(tid1, 100, LEAF, 1);
        out(tid1, 1_482, LEAF, 1, 100);                 // leaf: 1.382 us
        in(tid1, 2_000, NEST, 1);
        in(tid1, 2_100, LEAF, 2);
        out(tid1, 2_500, LEAF, 2, 2_100);               // 0.400 us
        out(tid1, 20_000, NEST, 1, 2_000);              // + 18.000 us
        in(tid1, 21_000, THROWER, 1);
        threw(tid1, 21_500, THROWER, 1, 21_000);        // a leaf that threw
        in(tid1, 22_000, MIDDLE, 1);
        in(tid1, 22_100, THROWER, 2);
        threw(tid1, 22_300, THROWER, 2, 22_100);
        threw(tid1, 150_000, MIDDLE, 1, 22_000);        // ! 128.000 us, passed the exception on
        out(tid1, 2_000_000, RUN, 0, 0);                // # 2000.000 us
        out(tid2, 2_100_000, NEST, 1, 2_050_000);       // orphan: its entry was overwritten
        in(tid2, 2_200_000, RUN, 0);                    // no exit yet
        in(tid1, 3_000_000, LEAF, 0);
        out(tid1, 3_000_050, LEAF, 0, 3_000_000);
        in(tid1, 3_100_000, NEST, 0);                   // a leaf's exit comes after another thread's record
        in(tid2, 3_100_001, LEAF, 1);
        out(tid1, 3_150_000, NEST, 0, 3_100_000);
        return events;
    }

    private String print(Set<GraphOption> options) {
        StringBuilder sb = new StringBuilder();
        format(options).lines(sb, sequence());
        return sb.toString();
    }

    static GraphTraceFormat format(Set<GraphOption> options) {
        return new GraphTraceFormat(ring, options, GraphTraceFormatTest::resolve, GraphTraceFormatTest::exceptionName,
                GraphTraceFormatTest::task);
    }

    static String golden(String name) throws IOException {
        return GoldenFiles.read(GraphTraceFormatTest.class, name);
    }

    private static Set<GraphOption> defaults() {
        EnumSet<GraphOption> s = EnumSet.noneOf(GraphOption.class);
        for (GraphOption o : GraphOption.values()) {
            if (o.defaultOn()) {
                s.add(o);
            }
        }
        return s;
    }

    private static Set<GraphOption> with(GraphOption... more) {
        Set<GraphOption> s = defaults();
        s.addAll(List.of(more));
        return s;
    }

    @Test
    void defaultLayout() throws IOException {
        assertEquals(golden("default.txt"), print(defaults()));
    }

    @Test
    void funcgraphTail() throws IOException {
        assertEquals(golden("tail.txt"), print(with(GraphOption.TAIL)));
    }

    @Test
    void procAndAbstimeColumns() throws IOException {
        assertEquals(golden("proc-abstime.txt"), print(with(GraphOption.PROC, GraphOption.ABSTIME)));
    }

    @Test
    void noDurationNoBuffer() throws IOException {
        Set<GraphOption> s = defaults();
        s.remove(GraphOption.DURATION);
        s.remove(GraphOption.CPU);
        assertEquals(golden("no-duration.txt"), print(s));
    }

    @Test
    void noOverheadMarkers() {
        Set<GraphOption> s = defaults();
        s.remove(GraphOption.OVERHEAD);
        String text = print(s);
        assertFalse(text.contains("+ ") || text.contains("! ") || text.contains("# "), text);
        assertTrue(text.contains(" 0)   2000.000 us |  }\n"), text);
    }

    @Test
    void headerLegendsPerOption() {
        StringBuilder sb = new StringBuilder();
        format(defaults()).header(sb, GraphTracer.NAME, ring.stats());
        String h = sb.toString();
        assertTrue(h.startsWith("# tracer: function_graph\n#\n# entries-in-buffer/entries-written: 0/0   #P:1\n"), h);
        assertTrue(h.endsWith("# BUF  DURATION                  FUNCTION CALLS\n"
                + "# |     |   |                     |   |   |   |\n"), h);
        sb.setLength(0);
        format(with(GraphOption.PROC, GraphOption.ABSTIME)).header(sb, GraphTracer.NAME, ring.stats());
        assertTrue(sb.toString().endsWith("#     TIME        BUF        TASK-TID             DURATION                  FUNCTION CALLS\n"
                + "#      |          |           |    |               |   |                     |   |   |   |\n"), sb.toString());
    }

    @Test
    void stackTracesPrintAsTheKernelsGraphComments() {
        long id = ring.stacks().put(List.of("a.B.leaf", "a.B.run"));
        in(tid1, 0, RUN, 0);
        events.add(new TraceEvent(0, events.size(), T0 + 10, tid1, LEAF, 0, KIND_STACK, 0, 0, id, 2));
        out(tid1, 20, RUN, 0, 0);
        StringBuilder sb = new StringBuilder();
        format(defaults()).lines(sb, events);
        assertEquals(" 0)               |  a.B.run() {\n"
                + " 0)               |  /* <stack trace>\n => a.B.leaf\n => a.B.run */\n"
                + " 0)   0.020 us    |  }\n", sb.toString());
    }

    @Test
    void counterClockDurationsAreCounts() {
        RingBuffer counted = RingBuffer.create(1, 1, BufferMode.OVERWRITE, TraceClock.COUNTER);
        List<TraceEvent> ev = List.of(
                new TraceEvent(0, 0, 0, tid1, RUN, 0, KIND_GRAPH_ENTRY, 0, 0, 0, 0),
                new TraceEvent(0, 1, 1, tid1, LEAF, 0, KIND_GRAPH_ENTRY, 0, 1, 0, 0),
                new TraceEvent(0, 2, 2, tid1, LEAF, 0, KIND_GRAPH_EXIT, 0, 1, 1, 0),
                new TraceEvent(0, 3, 30, tid1, RUN, 0, KIND_GRAPH_EXIT, 0, 0, 0, 0));
        StringBuilder sb = new StringBuilder();
        GraphTraceFormat f = new GraphTraceFormat(counted, defaults(), GraphTraceFormatTest::resolve,
                GraphTraceFormatTest::exceptionName, GraphTraceFormatTest::task);
        f.lines(sb, ev);
        assertEquals(" 0)               |  a.B.run() {\n"
                + " 0)   1 cnt       |    a.B.leaf();\n"
                + " 0)   30 cnt      |  }\n", sb.toString(), "counts, no overhead mark even past 10 'us'");
        sb.setLength(0);
        f.header(sb, GraphTracer.NAME, counted.stats());
        assertTrue(sb.toString().contains("# trace_clock: counter (") && sb.toString().contains("# DURATION: cnt,"), sb.toString());
    }

    @Test
    void durationsAndMarkersTheKernelsWay() {
        assertEquals("1.382 us    ", GraphDuration.format(1_382));
        assertEquals("0.000 us    ", GraphDuration.format(0));
        assertEquals("12345.67 us ", GraphDuration.format(12_345_678));
        assertEquals("123456.7 us ", GraphDuration.format(123_456_789));
        assertEquals("1234567 us  ", GraphDuration.format(1_234_567_890));
        assertEquals(' ', GraphDuration.mark(10_000));
        assertEquals('+', GraphDuration.mark(10_001));
        assertEquals('!', GraphDuration.mark(100_001));
        assertEquals('#', GraphDuration.mark(1_000_001));
        assertEquals('*', GraphDuration.mark(10_000_001));
        assertEquals('@', GraphDuration.mark(100_000_001));
        assertEquals('$', GraphDuration.mark(1_000_000_001));
    }

    @Test
    void unknownOptionsAndBadDepthsSayWhatToChange() {
        var e = assertThrows(org.jftrace.FtraceException.class, () -> GraphOption.of("funcgraph-colour"));
        assertEquals(org.jftrace.Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("unknown function_graph option 'funcgraph-colour': give one of funcgraph-cpu,"),
                e.getMessage());
        var d = assertThrows(org.jftrace.FtraceException.class, () -> GraphTracer.builder().maxGraphDepth(-1).build());
        assertEquals(org.jftrace.Errno.EINVAL, d.errno());
        assertTrue(d.getMessage().startsWith("EINVAL: max_graph_depth -1 is negative: give 0 (no limit)"), d.getMessage());
    }

    @Test
    void exceptionIdsAreStableAndNamed() {
        ExceptionClassIds ids = new ExceptionClassIds();
        long a = ids.idOf(new IllegalStateException());
        long b = ids.idOf(new IllegalArgumentException());
        assertNotEquals(ExceptionClassIds.UNKNOWN, a);
        assertNotEquals(a, b);
        assertEquals(a, ids.idOf(new IllegalStateException("again")));
        assertEquals("java.lang.IllegalStateException", ids.name(a));
        assertEquals("java.lang.IllegalArgumentException", ids.name(b));
        assertEquals(ExceptionClassIds.UNKNOWN_NAME, ids.name(ExceptionClassIds.UNKNOWN));
        assertEquals(ExceptionClassIds.UNKNOWN, ids.idOf(null));
    }
}
