package org.jftrace.tracers.function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

import org.jftrace.Ftrace;
import org.jftrace.FunctionInfo;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.StackTraces;
import org.jftrace.tracers.ring.TaskNames;
import org.jftrace.tracers.ring.TraceEvent;

/**
 * The function tracer's text: the kernel's {@code trace} header and one line per event,
 * {@code TASK-TID [BUF] TIMESTAMP: function <-parent}. Ips are resolved here, at read time, with
 * {@link Ftrace#lookup(long)} (cached per reader). The kernel's CPU column is the buffer number.
 *
 * <p>Parents: {@code <-caller} is the exact caller (the {@code PARENT_IP} option, a stack walk per
 * call); {@code <-??} means that walk found no traceable caller; {@code <-?} means no parent was
 * recorded (the default: finding the caller costs a stack walk); {@code <-~frame} is the nearest
 * traced frame ({@link ParentMode#NEAREST}), {@code <-~??} none open. A stack trace event prints
 * {@code <stack trace>} and one {@code  => function} line per frame. Timestamps follow the ring's
 * {@code trace_clock}: seconds for mono and uptime, the raw count for counter.
 */
public final class FunctionTraceFormat {
    /** The parent mark of an event whose parent was not recorded. */
    public static final String PARENT_NOT_RECORDED = "?";
    /** What precedes a parent that is the nearest traced frame, not necessarily the caller: {@code <-~parent}. */
    public static final String NEAREST_MARK = "~";
    /** The parent mark of an event whose stack walk found no traceable caller. */
    public static final String PARENT_NO_TRACEABLE_CALLER = "??";
    /** What a stack trace event prints before its frames, as the kernel's. */
    public static final String STACK_TRACE = "<stack trace>";
    /** The kernel prints this for a pid whose command it no longer knows. */
    public static final String UNKNOWN_TASK = "<...>";

    private final RingBuffer ring;
    private final boolean symOffset;
    private final LongFunction<Optional<FunctionInfo>> resolver;
    private final TaskNames tasks;
    private final Map<Long, String> names = new HashMap<>();
    private LongFunction<List<String>> stacks;

    /**
     * @param ring      the ring whose events are printed (for thread names)
     * @param symOffset the kernel's {@code sym-offset} option: print an exact parent as
     *                  {@code caller+bci}
     * @param resolver  ip to function, {@link Ftrace#lookup(long)} in a traced JVM
     */
    public FunctionTraceFormat(RingBuffer ring, boolean symOffset, LongFunction<Optional<FunctionInfo>> resolver) {
        this(ring, symOffset, resolver, ring::threadName);
    }

    /** As the other constructor, with thread names from {@code tasks}. */
    public FunctionTraceFormat(RingBuffer ring, boolean symOffset, LongFunction<Optional<FunctionInfo>> resolver,
                               TaskNames tasks) {
        this.ring = ring;
        this.symOffset = symOffset;
        this.resolver = resolver;
        this.tasks = tasks;
        this.stacks = ring.stacks()::get;
    }

    /** {@return this format, reading stack trace frames from {@code stacks} (a snapshot's copy)} */
    public FunctionTraceFormat withStacks(LongFunction<List<String>> stacks) {
        this.stacks = stacks;
        return this;
    }

    /** A format that resolves ips with {@link Ftrace#lookup(long)}. */
    public FunctionTraceFormat(RingBuffer ring, boolean symOffset) {
        this(ring, symOffset, Ftrace::lookup);
    }

    /** Appends the header: tracer, counts (in total and per buffer), clock, column legend. */
    public void header(Appendable out, String tracer, List<BufferStats> stats) {
        StringBuilder sb = new StringBuilder(1024);
        ring.appendCounts(sb, tracer, stats);
        sb.append(ring.clock().headerLine());
        sb.append("# BUF#: the ring buffer the event went to (the kernel's CPU#): threads are striped over #P buffers by thread id\n");
        sb.append("# TASK-TID: Java thread name and id; ").append(UNKNOWN_TASK).append(" when unnamed or no longer known\n");
        sb.append("# <-parent: the exact caller (option parent-ip, a stack walk per call); <-")
                .append(PARENT_NO_TRACEABLE_CALLER).append(": no traceable caller; <-").append(PARENT_NOT_RECORDED)
                .append(": not recorded\n");
        sb.append("# <-").append(NEAREST_MARK).append("parent: the nearest traced frame (option parents nearest: the innermost "
                + "traced call open on the thread; the caller when the caller is traced); <-").append(NEAREST_MARK)
                .append(PARENT_NO_TRACEABLE_CALLER).append(": no traced call open\n");
        sb.append("# <stack trace>: a stacktrace trigger fired; its frames follow as ' => function', innermost first\n");
        sb.append("#\n");
        sb.append("#           TASK-TID     BUF#      TIMESTAMP  FUNCTION\n");
        sb.append("#              | |        |            |         |\n");
        append(out, sb);
    }

    /**
     * {@return one event as the kernel prints it} A stack trace is several lines: {@code <stack trace>}
     * then one {@code  => function} per frame.
     */
    public String line(TraceEvent e) {
        String task = tasks.name(e.buffer(), e.tid());
        if (task == null || task.isEmpty()) {
            task = UNKNOWN_TASK;
        }
        String prefix;
        if (ring.clock().inNanos()) {
            long ns = e.timestamp() - RingBuffer.clockEpoch();
            prefix = String.format("%16s-%-7d [%03d] %6d.%06d: ", task, e.tid(), e.buffer(),
                    ns / 1_000_000_000L, ns % 1_000_000_000L / 1_000);
        } else {
            // the kernel prints a clock that is not in ns as the raw count ("%12llu: ")
            prefix = String.format("%16s-%-7d [%03d] %13d: ", task, e.tid(), e.buffer(), e.timestamp());
        }
        if (e.kind() == EventLayout.KIND_STACK) {
            return prefix + STACK_TRACE + stackLines(stacks.apply(e.payload0()));
        }
        return prefix + function(e.ip()) + " <-" + parent(e);
    }

    /** The kernel's frame lines of a stack trace event, each {@code \n => function}. */
    static String stackLines(List<String> frames) {
        if (frames == null) {
            return "\n => ?? (stack no longer kept: more than " + StackTraces.SLOTS + " stacks since)";
        }
        StringBuilder sb = new StringBuilder();
        for (String f : frames) {
            sb.append("\n => ").append(f);
        }
        return sb.toString();
    }

    /** {@return the kernel's mark for events a buffer lost: {@code BUF:N [LOST M EVENTS]}} */
    public static String lostLine(long buffer, long count) {
        return "BUF:" + buffer + " [LOST " + count + " EVENTS]";
    }

    /** Appends every event's line. */
    public void lines(Appendable out, List<TraceEvent> events) {
        StringBuilder sb = new StringBuilder(128);
        for (TraceEvent e : events) {
            sb.setLength(0);
            sb.append(line(e)).append('\n');
            append(out, sb);
        }
    }

    private String parent(TraceEvent e) {
        if (e.has(EventLayout.FLAG_PARENT_NEAREST)) {
            return NEAREST_MARK + (e.parentIp() == Ftrace.UNKNOWN_IP ? PARENT_NO_TRACEABLE_CALLER : function(e.parentIp()));
        }
        if (!e.has(EventLayout.FLAG_PARENT_EXACT)) {
            return PARENT_NOT_RECORDED;
        }
        if (e.parentIp() == Ftrace.UNKNOWN_IP) {
            return PARENT_NO_TRACEABLE_CALLER;
        }
        Optional<FunctionInfo> info = resolver.apply(e.parentIp());
        if (info.isEmpty()) {
            return "0x" + Long.toHexString(e.parentIp());
        }
        return symOffset ? info.get().name() + "+" + info.get().bci() : info.get().name();
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
