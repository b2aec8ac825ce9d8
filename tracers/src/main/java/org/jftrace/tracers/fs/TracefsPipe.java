package org.jftrace.tracers.fs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.tracers.function.FunctionTraceFormat;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.graph.GraphOption;
import org.jftrace.tracers.graph.GraphTraceFormat;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceEvent;
import org.jftrace.tracers.ring.TracePipe;

/**
 * {@code trace_pipe} of a {@link Tracefs}: a consuming reader of the current tracer's buffers, as
 * text lines (function or function_graph format; {@code BUF:N [LOST M EVENTS]} where events were
 * lost). One reader at a time, as the kernel's; not for several threads.
 */
public final class TracefsPipe {
    private final RingBuffer ring;
    private final FunctionTracer.Pipe function;
    private final GraphTracer graph;
    private final TracePipe graphPipe;

    TracefsPipe(FunctionTracer f) {
        this.ring = f.ring();
        this.function = f.openPipe();
        this.graph = null;
        this.graphPipe = null;
    }

    TracefsPipe(GraphTracer g) {
        this.ring = g.ring();
        this.function = null;
        this.graph = g;
        this.graphPipe = new TracePipe(ring, 4096);
    }

    /** {@return the ring this pipe consumes}: another ring means the tracer was replaced */
    RingBuffer ring() {
        return ring;
    }

    /**
     * {@return the next lines, waiting up to {@code timeout} for an event; empty if none came}
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public List<String> read(long timeout, TimeUnit unit) throws InterruptedException {
        if (function != null) {
            return function.readLines(timeout, unit);
        }
        List<TraceEvent> events = graphPipe.read(timeout, unit);
        List<String> lines = new ArrayList<>();
        for (long[] lost : graphPipe.losses()) {
            lines.add(FunctionTraceFormat.lostLine(lost[0], lost[1]));
        }
        if (!events.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            new GraphTraceFormat(ring, graphOptions(graph), Ftrace::lookup, graph.exceptionIds()::name).lines(sb, events);
            sb.toString().lines().forEach(lines::add);
        }
        return lines;
    }

    /** {@return the print options on in {@code g}} */
    static Set<GraphOption> graphOptions(GraphTracer g) {
        Set<GraphOption> on = EnumSet.noneOf(GraphOption.class);
        for (GraphOption o : GraphOption.values()) {
            if (g.option(o.kernelName())) {
                on.add(o);
            }
        }
        return on;
    }
}
