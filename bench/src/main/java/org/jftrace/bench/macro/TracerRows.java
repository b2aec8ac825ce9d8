package org.jftrace.bench.macro;

import org.jftrace.Ftrace;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.FunctionStat;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;

/**
 * The macro benchmark's tracer rows (issue 15): the function tracer ({@code function}) and
 * function_graph ({@code graph}) on every method of the JVM, as {@code echo function >
 * current_tracer} traces the whole kernel, into their default bounded ring (overwrite mode), started
 * before the compiler loads (pending filter); {@code functionCoarse} is the function tracer with the
 * coarse clock (trace_clock uptime: a volatile load instead of System.nanoTime), so that the clock's
 * share of the cost shows. What a row counts is events written (function: one per
 * call; function_graph: an entry and an exit per call), so its cost is per event. {@code profiler}
 * is the function profiler on every method (graph-time on, merged): it counts calls, counted or
 * lost; {@code -Dmacro.profilerFunctions=N} in the row's JVM sets its functions per stripe.
 */
final class TracerRows {
    private final FunctionTracer function;
    private final GraphTracer graph;
    private final FunctionProfiler profiler;

    private TracerRows(FunctionTracer function, GraphTracer graph, FunctionProfiler profiler) {
        this.function = function;
        this.graph = graph;
        this.profiler = profiler;
    }

    /** The function tracer with trace_clock {@code clock}: {@code functionCoarse} (uptime) tells the clock's share. */
    static TracerRows function(TraceClock clock) {
        FunctionTracer t = FunctionTracer.builder().pending(true).clock(clock).bufferSizeKb(bufferSizeKb()).build();
        t.start();
        return new TracerRows(t, null, null);
    }

    static TracerRows graph() {
        GraphTracer t = GraphTracer.builder().pending(true).bufferSizeKb(bufferSizeKb()).build();
        t.start();
        return new TracerRows(null, t, null);
    }

    static TracerRows profiler() {
        FunctionProfiler p = FunctionProfiler.builder().pending(true)
                .functions(Integer.getInteger("macro.profilerFunctions", FunctionProfiler.DEFAULT_FUNCTIONS)).build();
        p.setEnabled(true);
        return new TracerRows(null, null, p);
    }

    /**
     * buffer_size_kb of the rows' rings: the default, or {@code -Dmacro.bufferSizeKb=N} in the row's
     * JVM ({@code -Dmacro.jvmArgs=-Dmacro.bufferSizeKb=16}), to tell what the ring's size costs in caches.
     */
    private static int bufferSizeKb() {
        return Integer.getInteger("macro.bufferSizeKb", RingBuffer.DEFAULT_BUFFER_SIZE_KB);
    }

    private RingBuffer ring() {
        return function != null ? function.ring() : graph.ring();
    }

    /** {@return events written so far, lost ones included (they cost the hook too); the profiler's calls} */
    long events() {
        if (profiler != null) {
            long hits = 0;
            for (FunctionStat f : profiler.stat()) {
                hits += f.hits();
            }
            return hits + profiler.lost();
        }
        BufferStats s = BufferStats.total(ring().stats());
        return s.written() + s.lost();
    }

    /** {@return the profiler's functions with counts, calls counted and calls lost, or null for a ring row} */
    String profile() {
        if (profiler == null) {
            return null;
        }
        long hits = 0;
        int functions = 0;
        for (FunctionStat f : profiler.stat()) {
            hits += f.hits();
            functions++;
        }
        return "functions=" + functions + " counted=" + hits + " lost=" + profiler.lost();
    }

    /** {@return how many methods the tracer is enabled on now} */
    int hooked() {
        return Ftrace.enabledFunctions().size();
    }

    void stop() {
        if (function != null) {
            function.stop();
        } else if (graph != null) {
            graph.stop();
        } else {
            profiler.setEnabled(false);
        }
    }
}
