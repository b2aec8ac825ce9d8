package org.jftrace.tracers.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

import org.jftrace.Ftrace;
import org.jftrace.FunctionInfo;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TaskNames;
import org.jftrace.tracers.ring.TraceEvent;

/**
 * The function_graph tracer's text, in the kernel's layout ({@code trace_functions_graph.c}):
 * <pre>
 * # BUF  DURATION                  FUNCTION CALLS
 * # |     |   |                     |   |   |   |
 *  0)               |  a.B.run() {
 *  0)   0.412 us    |    a.B.leaf();
 *  0) + 12.250 us   |  }
 * </pre>
 * Entries open <code>func() {</code>, exits close with <code>}</code> and the duration; an entry directly
 * followed by its own exit on the same thread prints on one line {@code func();}. The kernel's CPU
 * column is the ring buffer's number ({@code BUF}).
 *
 * <p>The events come merged by timestamp across buffers; a thread's records are found by its id.
 * An exit whose entry is no longer in the buffers prints <code>} /* func *&#47;</code> (the kernel's way
 * when {@code funcgraph-tail} is off); an entry with no exit yet stays open. Exits by exception:
 * <code>} /* func threw java.lang.IllegalStateException *&#47;</code>, a leaf
 * <code>func(); /* func threw ... *&#47;</code>. A thread switch on a buffer prints the
 * kernel's banner. Ips and exception ids are resolved here, at read time.
 */
public final class GraphTraceFormat {
    /** The kernel's TRACE_GRAPH_INDENT. */
    static final int INDENT = 2;
    /** Thread names are cut to the kernel's TASK_COMM_LEN - 1 in the proc column. */
    static final int COMM_LEN = 15;
    /** Width of the {@code TASK-TID} column (the kernel's is 14 with names cut to 7). */
    static final int PROCINFO_LENGTH = 24;

    private final RingBuffer ring;
    private final Set<GraphOption> options;
    private final LongFunction<Optional<FunctionInfo>> resolver;
    private final LongFunction<String> exceptionNames;
    private final TaskNames tasks;
    private final Map<Long, String> names = new HashMap<>();
    private LongFunction<List<String>> stacks;
    private final int bufWidth;

    /**
     * @param ring           the ring whose events are printed (buffer count and size, thread names)
     * @param options        the options on (copied)
     * @param resolver       ip to function, {@link Ftrace#lookup(long)} in a traced JVM
     * @param exceptionNames exception class id to name ({@link ExceptionClassIds#name})
     */
    public GraphTraceFormat(RingBuffer ring, Set<GraphOption> options, LongFunction<Optional<FunctionInfo>> resolver,
                            LongFunction<String> exceptionNames) {
        this(ring, options, resolver, exceptionNames, ring::threadName);
    }

    /** As the other constructor, with thread names from {@code tasks}. */
    public GraphTraceFormat(RingBuffer ring, Set<GraphOption> options, LongFunction<Optional<FunctionInfo>> resolver,
                            LongFunction<String> exceptionNames, TaskNames tasks) {
        this.tasks = tasks;
        this.ring = ring;
        this.options = options.isEmpty() ? EnumSet.noneOf(GraphOption.class) : EnumSet.copyOf(options);
        this.resolver = resolver;
        this.exceptionNames = exceptionNames;
        this.bufWidth = Integer.toString(Math.max(0, ring.buffers() - 1)).length();
        this.stacks = ring.stacks()::get;
    }

    /** {@return this format, reading stack trace frames from {@code stacks} (a snapshot's copy)} */
    public GraphTraceFormat withStacks(LongFunction<List<String>> stacks) {
        this.stacks = stacks;
        return this;
    }

    private boolean on(GraphOption o) {
        return options.contains(o);
    }

    /** Appends the header: tracer, counts, legends, the kernel's column legend for the options on. */
    public void header(Appendable out, String tracer, List<BufferStats> stats) {
        StringBuilder sb = new StringBuilder(1024);
        ring.appendCounts(sb, tracer, stats);
        sb.append("# BUF: the ring buffer the record went to (the kernel's CPU); TASK-TID: Java thread name and id\n");
        sb.append(ring.clock().headerLine());
        if (ring.clock().inNanos()) {
            sb.append("# DURATION: microseconds; + > 10 us, ! > 100 us, # > 1 ms, * > 10 ms, @ > 100 ms, $ > 1 s\n");
        } else {
            sb.append("# DURATION: cnt, the clock's count between entry and exit (events of the ring meanwhile); no time,"
                    + " no overhead marks\n");
        }
        sb.append("# } /* f threw E */: f left by exception E; } /* f */ alone: f's entry is no longer in the buffer;"
                + " f() { unclosed: no exit yet\n");
        sb.append("#\n");
        // the kernel's two legend lines, column by column
        StringBuilder l1 = new StringBuilder("#");
        StringBuilder l2 = new StringBuilder("#");
        if (on(GraphOption.ABSTIME)) {
            l1.append("     TIME       ");
            l2.append("      |         ");
        }
        if (on(GraphOption.CPU)) {
            l1.append(" BUF").append(" ".repeat(bufWidth - 1));
            l2.append(" |  ").append(" ".repeat(bufWidth - 1));
        }
        if (on(GraphOption.PROC)) {
            l1.append(center("TASK-TID", PROCINFO_LENGTH)).append("   ");
            l2.append(center("|    |", PROCINFO_LENGTH)).append("   ");
        }
        if (on(GraphOption.DURATION)) {
            l1.append("  DURATION   ");
            l2.append("   |   |      ");
        }
        l1.append("               FUNCTION CALLS\n");
        l2.append("               |   |   |   |\n");
        sb.append(l1).append(l2);
        append(out, sb);
    }

    /** Appends the lines of {@code events} (timestamp order, as {@link RingBuffer#snapshot()} gives them). */
    public void lines(Appendable out, List<TraceEvent> events) {
        final int n = events.size();
        // next[i]: the index of the next record of the same thread (the leaf test looks there)
        int[] next = new int[n];
        Map<Long, Integer> later = new HashMap<>();
        for (int i = n - 1; i >= 0; i--) {
            Integer j = later.put(events.get(i).tid(), i);
            next[i] = j == null ? -1 : j;
        }
        boolean[] printed = new boolean[n];
        long[] lastTid = new long[ring.buffers()];
        Arrays.fill(lastTid, -1);
        Map<Long, long[]> open = new HashMap<>(); // per thread: the ip of the open entry at each depth
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < n; i++) {
            if (printed[i]) {
                continue;
            }
            TraceEvent e = events.get(i);
            if (e.kind() == EventLayout.KIND_STACK) {
                sb.setLength(0);
                threadSwitch(sb, e, lastTid);
                comment(sb, e);
                append(out, sb);
                continue;
            }
            if (e.kind() != EventLayout.KIND_GRAPH_ENTRY && e.kind() != EventLayout.KIND_GRAPH_EXIT) {
                continue;
            }
            sb.setLength(0);
            threadSwitch(sb, e, lastTid);
            long[] stack = open.computeIfAbsent(e.tid(), k -> new long[16]);
            if (e.kind() == EventLayout.KIND_GRAPH_ENTRY) {
                int j = next[i];
                TraceEvent x = j < 0 ? null : events.get(j);
                if (x != null && x.kind() == EventLayout.KIND_GRAPH_EXIT && x.ip() == e.ip() && x.depth() == e.depth()) {
                    leaf(sb, e, x);
                    printed[j] = true;
                } else {
                    entry(sb, e);
                    stack = grow(open, e.tid(), stack, e.depth());
                    stack[e.depth()] = e.ip();
                }
            } else {
                boolean match = e.depth() < stack.length && stack[e.depth()] == e.ip();
                if (match) {
                    stack[e.depth()] = 0;
                }
                exit(sb, e, match);
            }
            append(out, sb);
        }
    }

    private static long[] grow(Map<Long, long[]> open, long tid, long[] stack, int depth) {
        if (depth < stack.length) {
            return stack;
        }
        long[] bigger = Arrays.copyOf(stack, Math.max(depth + 1, stack.length * 2));
        open.put(tid, bigger);
        return bigger;
    }

    /** The kernel's context-switch banner when a buffer's writer changes. */
    private void threadSwitch(StringBuilder sb, TraceEvent e, long[] lastTid) {
        long prev = e.buffer() < lastTid.length ? lastTid[e.buffer()] : -1;
        if (e.buffer() < lastTid.length) {
            lastTid[e.buffer()] = e.tid();
        }
        if (prev == -1 || prev == e.tid()) {
            return;
        }
        sb.append(" ------------------------------------------\n");
        sb.append(String.format(" %" + bufWidth + "d) ", e.buffer()));
        proc(sb, e.buffer(), prev);
        sb.append(" => ");
        proc(sb, e.buffer(), e.tid());
        sb.append("\n ------------------------------------------\n\n");
    }

    private void leaf(StringBuilder sb, TraceEvent entry, TraceEvent exit) {
        prologue(sb, entry);
        duration(sb, exit.timestamp() - exit.payload0());
        indent(sb, entry.depth()).append(function(entry.ip())).append("();");
        if (exit.has(EventLayout.FLAG_THROW)) {
            sb.append(" /* ").append(function(entry.ip())).append(" threw ").append(exceptionNames.apply(exit.payload1()))
                    .append(" */");
        }
        sb.append('\n');
    }

    /**
     * Another event in the graph, as the kernel's {@code print_graph_comment}: {@code /* text *&#47;}
     * (a stack trace: <code>/* &lt;stack trace&gt;</code> then its {@code  => function} lines).
     */
    private void comment(StringBuilder sb, TraceEvent e) {
        prologue(sb, e);
        if (on(GraphOption.DURATION)) {
            sb.append("              |  ");
        }
        List<String> frames = stacks.apply(e.payload0());
        sb.append("/* <stack trace>");
        if (frames == null) {
            sb.append("\n => ?? (stack no longer kept)");
        } else {
            for (String f : frames) {
                sb.append("\n => ").append(f);
            }
        }
        sb.append(" */\n");
    }

    private void entry(StringBuilder sb, TraceEvent e) {
        prologue(sb, e);
        if (on(GraphOption.DURATION)) {
            sb.append("              |  ");
        }
        indent(sb, e.depth()).append(function(e.ip())).append("() {\n");
    }

    private void exit(StringBuilder sb, TraceEvent e, boolean entrySeen) {
        prologue(sb, e);
        duration(sb, e.timestamp() - e.payload0());
        indent(sb, e.depth()).append('}');
        if (e.has(EventLayout.FLAG_THROW)) {
            sb.append(" /* ").append(function(e.ip())).append(" threw ").append(exceptionNames.apply(e.payload1()))
                    .append(" */");
        } else if (!entrySeen || on(GraphOption.TAIL)) {
            sb.append(" /* ").append(function(e.ip())).append(" */");
        }
        sb.append('\n');
    }

    /** The columns before the duration: abstime, buffer, task. */
    private void prologue(StringBuilder sb, TraceEvent e) {
        if (on(GraphOption.ABSTIME)) {
            if (ring.clock().inNanos()) {
                long ns = e.timestamp() - RingBuffer.clockEpoch();
                sb.append(String.format("%5d.%06d |  ", ns / 1_000_000_000L, ns % 1_000_000_000L / 1_000));
            } else {
                sb.append(String.format("%12d |  ", e.timestamp()));
            }
        }
        if (on(GraphOption.CPU)) {
            sb.append(String.format(" %" + bufWidth + "d) ", e.buffer()));
        }
        if (on(GraphOption.PROC)) {
            proc(sb, e.buffer(), e.tid());
            sb.append(" | ");
        }
    }

    private void duration(StringBuilder sb, long nanos) {
        if (!on(GraphOption.DURATION)) {
            return;
        }
        if (!ring.clock().inNanos()) {
            sb.append("  ");
            GraphDuration.appendCount(sb, nanos);
            sb.append("|  ");
            return;
        }
        sb.append(on(GraphOption.OVERHEAD) ? GraphDuration.mark(nanos) : ' ').append(' ');
        GraphDuration.append(sb, nanos);
        sb.append("|  ");
    }

    private static StringBuilder indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth * INDENT; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** {@code name-tid} centred in the column, the name cut to {@value #COMM_LEN} characters. */
    private void proc(StringBuilder sb, int buffer, long tid) {
        String comm = buffer < ring.buffers() ? tasks.name(buffer, tid) : null;
        if (comm == null || comm.isEmpty()) {
            comm = "<...>";
        }
        if (comm.length() > COMM_LEN) {
            comm = comm.substring(0, COMM_LEN);
        }
        sb.append(center(comm + "-" + tid, PROCINFO_LENGTH));
    }

    private static String center(String s, int width) {
        int spaces = Math.max(0, width - s.length());
        int half = spaces / 2;
        return " ".repeat(half) + s + " ".repeat(spaces - half);
    }

    private String function(long ip) {
        String n = names.get(ip);
        if (n == null) {
            n = resolver.apply(ip).map(FunctionInfo::name).orElse("0x" + Long.toHexString(ip));
            names.put(ip, n);
        }
        return n;
    }

    private static void append(Appendable out, CharSequence s) {
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
