package org.jftrace.tracers.fs;

import java.util.ArrayList;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.graph.GraphOption;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.trigger.FunctionTrigger;
import org.jftrace.tracers.trigger.Triggers;

/**
 * A tracefs-like namespace over the tracers and the public API: the kernel's
 * {@code /sys/kernel/tracing} files, by name, read and written as text, with the kernel's
 * behaviour where it makes sense. One per traced JVM (the agent keeps it).
 * <pre>{@code
 * Tracefs fs = Tracefs.create();
 * fs.write("set_ftrace_filter", "com.acme.Orders.*");
 * fs.write("current_tracer", "function");      // starts the function tracer on that filter
 * System.out.print(fs.read("trace"));
 * fs.write("trace", "");                       // echo > trace: clears
 * fs.write("current_tracer", "nop");           // stops it: original bytecode back
 * }</pre>
 *
 * <p>Filters, options and sizes written while {@code current_tracer} is {@code nop} apply when a
 * tracer is chosen, as in the kernel. Written while one runs, a setting the tracer is built with
 * (a filter, {@code buffer_size_kb}, {@code overwrite}, {@code func_stack_trace},
 * {@code func-nearest-parent}, {@code trace_clock}) restarts it with the new setting: with empty
 * buffers for {@code buffer_size_kb}, {@code overwrite} and {@code trace_clock}, and otherwise
 * writing on into the same buffers (what was traced stays, as in the kernel); print options,
 * {@code tracing_on}, {@code max_graph_depth}, {@code set_ftrace_pid} and the triggers take effect
 * at once. A write that fails throws {@link TracefsException} and changes nothing: a
 * bad glob is EINVAL, an unknown file ENOENT, a read-only file EACCES.
 *
 * <p>Lists ({@code set_ftrace_filter} ...) hold patterns, not the methods they matched (classes
 * load later); {@code enabled_functions} shows the hooked methods.
 */
public final class Tracefs {
    public static final String NOP = "nop";
    /** The tracers {@code current_tracer} takes, as {@code available_tracers} prints them. */
    public static final List<String> TRACERS = List.of(GraphTracer.NAME, FunctionTracer.NAME, NOP);

    /** Checks one glob of a filter file: EINVAL if malformed or matching no method of a loaded class. */
    @FunctionalInterface
    interface GlobCheck {
        void check(String file, String glob);
    }

    private final GlobCheck check;
    private Settings settings = new Settings();
    private String current = NOP;
    private FunctionTracer function;
    private GraphTracer graph;
    private FunctionProfiler profiler;
    private boolean profiling;
    private TracefsPipe pipe;

    Tracefs(GlobCheck check) {
        this.check = check;
    }

    /** {@return a namespace whose globs are checked by the API (an ops built, never registered)} */
    public static Tracefs create() {
        return new Tracefs(Tracefs::apiCheck);
    }

    private static void apiCheck(String file, String glob) {
        try {
            FtraceOps.builder((ip, parentIp, op, regs) -> { }).filter(glob).build();
        } catch (FtraceException e) {
            throw TracefsException.of(file, e);
        }
    }

    /** {@return every file's name, directories' files as {@code dir/name}} */
    public synchronized List<String> list() {
        List<String> l = new ArrayList<>(TracefsFiles.READ_ONLY);
        l.addAll(TracefsFiles.WRITABLE);
        for (String o : Settings.DEFAULT_OPTIONS.keySet()) {
            l.add("options/" + o);
        }
        for (int b = 0; b < buffers(); b++) {
            l.add("per_thread/buf" + b + "/trace");
            l.add("per_thread/buf" + b + "/stats");
        }
        l.sort(null);
        return l;
    }

    /**
     * {@return the text of {@code file}} ({@code trace_pipe}: the events there now, consumed)
     *
     * @throws TracefsException ENOENT for no such file; ENODEV without the agent
     */
    public synchronized String read(String file) {
        String f = name(file);
        try {
            return TracefsFiles.read(this, f);
        } catch (FtraceException e) {
            throw TracefsException.of(f, e);
        }
    }

    /**
     * {@code echo VALUE > file}.
     *
     * @throws TracefsException ENOENT for no such file, EACCES for a read-only one, EINVAL for a bad
     *                          value, EBUSY, ENODEV without the agent; nothing changed
     */
    public synchronized void write(String file, String value) {
        change(file, value, false);
    }

    /** {@code echo VALUE >> file}: adds to a list file; the same as {@link #write} for the others. */
    public synchronized void append(String file, String value) {
        change(file, value, true);
    }

    private void change(String file, String value, boolean append) {
        String f = name(file);
        String v = value == null ? "" : value.strip();
        try {
            TracefsFiles.write(this, f, v, append);
        } catch (FtraceException e) {
            throw TracefsException.of(f, e);
        }
    }

    /**
     * {@return a trace_pipe reader of the current tracer}
     *
     * @throws TracefsException EINVAL when current_tracer is nop
     */
    public synchronized TracefsPipe openPipe() {
        if (function != null) {
            return new TracefsPipe(function);
        }
        if (graph != null) {
            return new TracefsPipe(graph);
        }
        throw new TracefsException("EINVAL", "trace_pipe", "current_tracer is nop: write function or function_graph "
                + "to current_tracer first");
    }

    /** {@return whether {@code p} still reads the current tracer (not one since replaced or stopped)} */
    public synchronized boolean isCurrent(TracefsPipe p) {
        RingBuffer r = ring();
        return r != null && p.ring() == r;
    }

    /**
     * {@return whether {@code line} of {@code set_ftrace_filter} is a trigger's
     * ({@code glob:command:count=N}, {@code glob:command:unlimited}) rather than a glob} For
     * readers that write the globs back.
     */
    public static boolean isTriggerLine(String line) {
        String l = line == null ? "" : line.strip();
        return FilterCommands.isTrigger(l.replaceFirst(":(count=[0-9]+|unlimited)$", ""));
    }

    /** Back to the start: current_tracer nop, profiler off, every list empty, every option default. */
    public synchronized void reset() {
        stopTracer();
        function = null;
        graph = null;
        current = NOP;
        if (profiler != null) {
            profiler.setEnabled(false);
        }
        profiler = null;
        profiling = false;
        pipe = null;
        settings = new Settings();
    }

    private static String name(String file) {
        String f = file == null ? "" : file.strip();
        while (f.startsWith("/")) {
            f = f.substring(1);
        }
        return f;
    }

    // ---------------------------------------------------------------- state, for TracefsFiles

    /** {@return the settings, tracing_on as the running tracer has it (a trigger may have turned it)} */
    Settings settings() {
        RingBuffer r = ring();
        if (r != null) {
            settings.tracingOn = r.isRecording();
        }
        return settings;
    }

    String current() {
        return current;
    }

    FunctionTracer function() {
        return function;
    }

    GraphTracer graph() {
        return graph;
    }

    FunctionProfiler profiler() {
        return profiler;
    }

    boolean profiling() {
        return profiling;
    }

    /** {@return the current tracer's ring, or null under nop} */
    RingBuffer ring() {
        return function != null ? function.ring() : graph != null ? graph.ring() : null;
    }

    int buffers() {
        RingBuffer r = ring();
        return r != null ? r.buffers() : RingBuffer.defaultBuffers();
    }

    void checkGlob(String file, String glob) {
        check.check(file, glob);
    }

    /** The namespace's own trace_pipe reader for reads of the file (reopened when the tracer changes). */
    TracefsPipe filePipe() {
        if (pipe == null || !isCurrent(pipe)) {
            pipe = openPipe();
        }
        return pipe;
    }

    /** {@return set_ftrace_filter's trigger lines: the running tracer's (with each function's count), else as written} */
    List<String> triggerLines() {
        Triggers t = triggers(function, graph);
        if (t != null) {
            return t.lines();
        }
        List<String> l = new ArrayList<>();
        settings.triggers.forEach(x -> l.add(x.toString()));
        return l;
    }

    void clearTrace() {
        if (function != null) {
            function.clear();
        } else if (graph != null) {
            graph.clear();
        }
    }

    // ---------------------------------------------------------------- changes

    /**
     * {@code echo NAME > current_tracer}: stops the tracer running, starts the new one on the
     * settings (its buffers new and empty, as the kernel resets them). On failure the old one runs again.
     */
    void setTracer(String name) {
        if (!TRACERS.contains(name)) {
            throw new TracefsException("EINVAL", "current_tracer", "'" + name + "' is no tracer: write one of "
                    + String.join(", ", TRACERS) + " (available_tracers)");
        }
        if (name.equals(current)) {
            return;
        }
        FunctionTracer f = name.equals(FunctionTracer.NAME) ? buildFunction(settings, null) : null;
        GraphTracer g = name.equals(GraphTracer.NAME) ? buildGraph(settings, null) : null;
        stopTracer();
        try {
            start(f, g, settings);
        } catch (RuntimeException e) {
            start(function, graph, settings);
            throw e;
        }
        function = f;
        graph = g;
        current = name;
        pipe = null;
    }

    /** {@code function_profile_enabled}: a new profiler on the settings (counts from zero), or the running one off. */
    void setProfiling(boolean on) {
        if (on == profiling) {
            return;
        }
        if (on) {
            FunctionProfiler p = buildProfiler(settings);
            p.setEnabled(true);
            profiler = p;
        } else {
            profiler.setEnabled(false);
        }
        profiling = on;
    }

    /**
     * Makes {@code next} the settings: rebuilds what runs if it is built differently (its
     * buffers new), sets the rest live. On a failure everything is as before and it throws.
     */
    void apply(Settings next) {
        Settings prev = settings;
        Deque<Runnable> undo = new ArrayDeque<>();
        try {
            if (profiling && next.profilerDiffers(prev)) {
                FunctionProfiler old = profiler;
                FunctionProfiler p = buildProfiler(next);
                old.setEnabled(false);
                undo.push(() -> old.setEnabled(true));
                p.setEnabled(true);
                profiler = p;
                undo.push(() -> {
                    p.setEnabled(false);
                    profiler = old;
                });
            }
            boolean rebuild = function != null && next.functionDiffers(prev) || graph != null && next.graphDiffers(prev);
            if (rebuild) {
                FunctionTracer oldF = function;
                GraphTracer oldG = graph;
                // The kernel keeps the buffer when a filter changes; a new size, mode or clock starts afresh.
                boolean keep = !next.bufferDiffers(prev);
                FunctionTracer f = oldF != null ? buildFunction(next, keep ? oldF : null) : null;
                GraphTracer g = oldG != null ? buildGraph(next, keep ? oldG : null) : null;
                stopTracer();
                undo.push(() -> start(oldF, oldG, prev));
                start(f, g, next);
                function = f;
                graph = g;
                if (!keep) {
                    pipe = null;
                }
                undo.push(() -> {
                    stopTracer();
                    function = oldF;
                    graph = oldG;
                });
            } else if (!next.triggers.equals(prev.triggers) && triggers(function, graph) != null) {
                FilterCommands.rearm(triggers(function, graph), prev.triggers, next.triggers, undo);
            }
        } catch (RuntimeException e) {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
            throw e;
        }
        settings = next;
        live(function, graph, next);
        if (profiler != null) {
            profiler.setThreadFilter(next.threadFilter);
        }
    }

    /** Stops the current tracer and takes its triggers off (they act on the tracer that runs). */
    private void stopTracer() {
        if (function != null) {
            function.stop();
            function.triggers().clear();
        }
        if (graph != null) {
            graph.stop();
            graph.triggers().clear();
        }
    }

    /** Starts {@code f} or {@code g} with the triggers of {@code s}; if a trigger fails, stops it again and throws. */
    private static void start(FunctionTracer f, GraphTracer g, Settings s) {
        // With triggers, tracing_on stays off until they are in: nothing recorded that a traceoff would have stopped
        boolean on = s.triggers.isEmpty();
        if (f != null) {
            f.start(on);
        }
        if (g != null) {
            g.start(on);
        }
        Triggers t = triggers(f, g);
        if (t == null) {
            return;
        }
        try {
            for (FunctionTrigger x : s.triggers) {
                t.add(x);
            }
        } catch (RuntimeException e) {
            t.clear();
            if (f != null) {
                f.stop();
            }
            if (g != null) {
                g.stop();
            }
            throw e;
        }
        live(f, g, s); // tracing_on as written
    }

    private static Triggers triggers(FunctionTracer f, GraphTracer g) {
        return f != null ? f.triggers() : g != null ? g.triggers() : null;
    }

    /** The settings a running tracer takes at once. */
    private static void live(FunctionTracer f, GraphTracer g, Settings s) {
        if (f != null) {
            f.setTracingOn(s.tracingOn);
            f.setThreadFilter(s.threadFilter);
        }
        if (g != null) {
            g.setTracingOn(s.tracingOn);
            g.setThreadFilter(s.threadFilter);
            g.setMaxGraphDepth(s.maxGraphDepth);
            for (GraphOption o : GraphOption.values()) {
                g.setOption(o.kernelName(), s.option(o.kernelName()));
            }
        }
    }

    private static FunctionTracer buildFunction(Settings s, FunctionTracer previous) {
        FunctionTracer.Builder b = FunctionTracer.builder().filter(array(s.filter)).notrace(array(s.notrace))
                .parents(s.parents()).symOffset(s.option("sym-offset")).threadFilter(s.threadFilter)
                .bufferSizeKb(s.bufferSizeKb).mode(mode(s)).clock(s.clock);
        return (previous != null ? b.continueFrom(previous) : b).build();
    }

    private static GraphTracer buildGraph(Settings s, GraphTracer previous) {
        GraphTracer.Builder b = GraphTracer.builder().filter(array(s.filter)).notrace(array(s.notrace))
                .graphFunction(array(s.graphFunction)).graphNotrace(array(s.graphNotrace))
                .maxGraphDepth(s.maxGraphDepth).threadFilter(s.threadFilter).bufferSizeKb(s.bufferSizeKb).mode(mode(s))
                .clock(s.clock);
        return (previous != null ? b.continueFrom(previous) : b).build();
    }

    private static FunctionProfiler buildProfiler(Settings s) {
        return FunctionProfiler.builder().filter(array(s.filter)).notrace(array(s.notrace))
                .graphTime(s.option("graph-time")).threadFilter(s.threadFilter).build();
    }

    private static BufferMode mode(Settings s) {
        return s.option("overwrite") ? BufferMode.OVERWRITE : BufferMode.DROP;
    }

    private static String[] array(List<String> l) {
        return l.toArray(new String[0]);
    }

    /** {@return available_filter_functions' text: {@code signature [module]} per line} */
    static String availableFilterFunctions() {
        StringBuilder sb = new StringBuilder(1 << 16);
        for (FunctionInfo f : Ftrace.availableFilterFunctions()) {
            sb.append(f.signature());
            if (!f.module().isEmpty()) {
                sb.append(" [").append(f.module()).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@return trace_options' text: each option, {@code no} in front when off, as the kernel prints it} */
    String traceOptions() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Boolean> e : settings.options.entrySet()) {
            sb.append(e.getValue() ? "" : "no").append(e.getKey()).append('\n');
        }
        return sb.toString();
    }
}
