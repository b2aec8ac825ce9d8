package org.jftrace.internal.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.function.ParentMode;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.FunctionStat;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.trigger.Triggers;

/**
 * One tracer of the {@code tracers} module run on {@link TraceOptions}, in this JVM: what
 * start-up tracing and {@code jftrace record} share. Call order: {@code start (freeze)? text stop?}.
 *
 * <p>Its text is the tracer's own (the kernel's formats) after one line of jftrace's, which
 * {@code jftrace report} reads back:
 * <pre>
 * # jftrace: tracer=function_graph events=2345 lost=0 overrun=0 seconds=5.012 pid=1234 options=tracer=...
 * </pre>
 */
final class TraceSession {
    /** The first line's start; {@code jftrace report} looks for it. */
    static final String HEADER = "# jftrace: ";

    final TraceOptions options;
    private final FunctionTracer function;
    private final GraphTracer graph;
    private final FunctionProfiler profiler;
    private long startNanos;
    private long frozenNanos;

    /** @param pending patterns may name classes not loaded yet (tracing from the start); else strict, as a live change */
    TraceSession(TraceOptions o, boolean pending) {
        this.options = o;
        switch (o.tracer) {
            case TraceOptions.FUNCTION: {
                FunctionTracer.Builder b = FunctionTracer.builder().pending(pending).filter(array(o.filter)).notrace(array(o.notrace))
                        .parentIp(o.options.getOrDefault("parent-ip", false))
                        .symOffset(o.options.getOrDefault("sym-offset", false)).threadFilter(threadFilter(o));
                if (o.parents != null) {
                    b.parents(ParentMode.valueOf(o.parents.toUpperCase(Locale.ROOT)));
                }
                if (o.clock != null) {
                    b.clock(TraceClock.of(o.clock));
                }
                if (o.bufferSizeKb != 0) {
                    b.bufferSizeKb(o.bufferSizeKb);
                }
                function = b.build();
                graph = null;
                profiler = null;
                break;
            }
            case TraceOptions.FUNCTION_GRAPH: {
                GraphTracer.Builder b = GraphTracer.builder().pending(pending).filter(array(o.filter)).notrace(array(o.notrace))
                        .graphFunction(array(o.graphFunction)).graphNotrace(array(o.graphNotrace))
                        .maxGraphDepth(o.maxGraphDepth).threadFilter(threadFilter(o));
                if (o.clock != null) {
                    b.clock(TraceClock.of(o.clock));
                }
                if (o.bufferSizeKb != 0) {
                    b.bufferSizeKb(o.bufferSizeKb);
                }
                graph = b.build();
                for (Map.Entry<String, Boolean> e : o.options.entrySet()) {
                    if (!e.getKey().equals("function-fork")) { // the thread filter's, not a print option
                        graph.setOption(e.getKey(), e.getValue());
                    }
                }
                function = null;
                profiler = null;
                break;
            }
            default:
                profiler = FunctionProfiler.builder().pending(pending).filter(array(o.filter)).notrace(array(o.notrace))
                        .graphTime(o.options.getOrDefault("graph-time", true)).threadFilter(threadFilter(o)).build();
                function = null;
                graph = null;
        }
    }

    /**
     * Registers the tracer's ops (hooks its methods).
     *
     * @throws org.jftrace.FtraceException as the tracer's start: EINVAL for a glob that matches no
     *                                     method of a loaded class
     */
    void start() {
        startNanos = System.nanoTime();
        // With triggers, the tracer starts with tracing off and they go in after it (its start would
        // undo a traceoff fired before), one class retransformation each: nothing is recorded that a
        // traceoff would have stopped
        boolean on = options.triggers.isEmpty();
        if (function != null) {
            function.start(on);
        } else if (graph != null) {
            graph.start(on);
        } else {
            profiler.setEnabled(true);
            if (!on) {
                profiler.setTracingOn(false); // the profiler has no start with tracing off
            }
        }
        if (on) {
            return;
        }
        Triggers t = triggers();
        try {
            for (String spec : options.triggers) {
                t.add(spec);
            }
        } catch (RuntimeException e) {
            t.clear();
            stop();
            throw e;
        }
        setTracingOn(true);
    }

    private void setTracingOn(boolean on) {
        if (function != null) {
            function.setTracingOn(on);
        } else if (graph != null) {
            graph.setTracingOn(on);
        } else {
            profiler.setTracingOn(on);
        }
    }

    private Triggers triggers() {
        return function != null ? function.triggers() : graph != null ? graph.triggers() : profiler.triggers();
    }

    /** {@return set_ftrace_pid of {@code o}, or null for every thread} */
    private static ThreadFilter threadFilter(TraceOptions o) {
        return o.threads.isEmpty() ? null
                : ThreadFilter.parse(String.join(" ", o.threads), o.options.getOrDefault("function-fork", false));
    }

    /**
     * Stops recording and keeps the hooks: what a JVM's exit needs (no retransformation while
     * other shutdown hooks run); {@link #stop} takes the hooks off.
     */
    void freeze() {
        frozenNanos = System.nanoTime();
        if (function != null) {
            function.setTracingOn(false);
        } else if (graph != null) {
            graph.setTracingOn(false);
        } else {
            profiler.setEnabled(false);
        }
    }

    /** Unregisters every ops of the tracer and of its triggers: when it returns no callback runs. */
    void stop() {
        if (frozenNanos == 0) {
            frozenNanos = System.nanoTime();
        }
        triggers().clear();
        if (function != null) {
            function.stop();
        } else if (graph != null) {
            graph.stop();
        } else {
            profiler.setEnabled(false);
        }
    }

    /** {@return the header line and the tracer's text} */
    String text() {
        long[] counts = counts();
        String body = function != null ? function.trace() : graph != null ? graph.trace() : profiler.traceStat();
        if (options.triggers.stream().anyMatch(x -> x.matches(".*:snapshot(:[0-9]+)?"))) {
            body += "#\n# snapshot (what the snapshot trigger copied aside):\n"
                    + (function != null ? function.snapshot() : graph.snapshot());
        }
        double seconds = ((frozenNanos != 0 ? frozenNanos : System.nanoTime()) - startNanos) / 1e9;
        return HEADER + "tracer=" + options.tracer + " events=" + counts[0] + " lost=" + counts[1] + " overrun="
                + counts[2] + String.format(Locale.ROOT, " seconds=%.3f", seconds) + " pid="
                + ProcessHandle.current().pid() + " options=" + options + "\n" + body;
    }

    /** {@return events written (calls profiled), lost, overrun} */
    private long[] counts() {
        if (profiler != null) {
            long hits = 0;
            for (FunctionStat s : profiler.stat()) {
                hits += s.hits();
            }
            return new long[] {hits, profiler.lost(), 0};
        }
        List<BufferStats> stats = function != null ? function.ring().stats() : graph.ring().stats();
        BufferStats t = BufferStats.total(stats);
        return new long[] {t.written(), t.lost(), t.overrun()};
    }

    private static String[] array(List<String> globs) {
        return globs.toArray(new String[0]);
    }
}
