package org.jftrace.tracers.fs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.function.ParentMode;
import org.jftrace.tracers.graph.GraphOption;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.trigger.FunctionTrigger;

/**
 * What the files of a {@link Tracefs} hold, as plain values: what a tracer is built from. A write
 * changes a copy; the copy replaces this only once everything it implies has worked.
 */
final class Settings {
    /** trace_options: the options the tracers have, with their defaults, in the kernel's names. */
    static final Map<String, Boolean> DEFAULT_OPTIONS = defaults();

    List<String> filter = List.of();
    List<String> notrace = List.of();
    List<String> graphFunction = List.of();
    List<String> graphNotrace = List.of();
    int bufferSizeKb = RingBuffer.DEFAULT_BUFFER_SIZE_KB;
    int maxGraphDepth;
    boolean tracingOn = true;
    /** set_ftrace_filter's commands, in the order written; armed on the current tracer. */
    List<FunctionTrigger> triggers = List.of();
    /** set_ftrace_pid's words (thread ids and name globs), and the filter made of them (null: every thread). */
    List<String> threads = List.of();
    ThreadFilter threadFilter;
    TraceClock clock = TraceClock.MONO;
    final Map<String, Boolean> options = new LinkedHashMap<>(DEFAULT_OPTIONS);

    private static Map<String, Boolean> defaults() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("overwrite", true);          // the ring buffer's mode: off drops new events when full
        m.put("func_stack_trace", false);  // function: exact parents by a stack walk per call (PARENT_IP)
        m.put("sym-offset", false);        // function: print a parent as caller+bci
        m.put("func-nearest-parent", false); // function, jftrace's own: the nearest traced frame as parent (exit hooks)
        m.put("function-fork", false);     // set_ftrace_pid also takes the threads a traced thread starts
        for (GraphOption o : GraphOption.values()) {
            m.put(o.kernelName(), o.defaultOn());
        }
        m.put("graph-time", true);         // function profiler: durations include callees
        return java.util.Collections.unmodifiableMap(m);
    }

    Settings copy() {
        Settings s = new Settings();
        s.filter = filter;
        s.notrace = notrace;
        s.graphFunction = graphFunction;
        s.graphNotrace = graphNotrace;
        s.bufferSizeKb = bufferSizeKb;
        s.maxGraphDepth = maxGraphDepth;
        s.tracingOn = tracingOn;
        s.triggers = triggers;
        s.threads = threads;
        s.threadFilter = threadFilter; // shared: a new one would forget which threads function-fork took in
        s.clock = clock;
        s.options.putAll(options);
        return s;
    }

    boolean option(String name) {
        return options.get(name);
    }

    /** {@return how the function tracer records parents: func_stack_trace (exact) wins over func-nearest-parent} */
    ParentMode parents() {
        return option("func_stack_trace") ? ParentMode.EXACT : option("func-nearest-parent") ? ParentMode.NEAREST
                : ParentMode.NONE;
    }

    /**
     * Makes {@link #threadFilter} again from {@link #threads} and function-fork.
     *
     * @throws org.jftrace.FtraceException EINVAL for a bad name glob or thread id
     */
    void refilterThreads() {
        threadFilter = threads.isEmpty() ? null : ThreadFilter.parse(String.join(" ", threads), option("function-fork"));
    }

    /** {@return whether a function tracer built from this differs from one built from {@code o}} */
    boolean functionDiffers(Settings o) {
        return !filter.equals(o.filter) || !notrace.equals(o.notrace) || bufferSizeKb != o.bufferSizeKb
                || option("overwrite") != o.option("overwrite") || parents() != o.parents()
                || option("sym-offset") != o.option("sym-offset") || clock != o.clock;
    }

    /** {@return whether a function_graph tracer built from this differs from one built from {@code o}} */
    boolean graphDiffers(Settings o) {
        return !filter.equals(o.filter) || !notrace.equals(o.notrace) || !graphFunction.equals(o.graphFunction)
                || !graphNotrace.equals(o.graphNotrace) || bufferSizeKb != o.bufferSizeKb
                || option("overwrite") != o.option("overwrite") || clock != o.clock;
    }

    /** {@return whether the ring buffer differs: its size, mode or clock (else a rebuilt tracer keeps the buffer)} */
    boolean bufferDiffers(Settings o) {
        return bufferSizeKb != o.bufferSizeKb || option("overwrite") != o.option("overwrite") || clock != o.clock;
    }

    /** {@return whether a profiler built from this differs from one built from {@code o}} */
    boolean profilerDiffers(Settings o) {
        return !filter.equals(o.filter) || !notrace.equals(o.notrace)
                || !Objects.equals(options.get("graph-time"), o.options.get("graph-time"));
    }
}
