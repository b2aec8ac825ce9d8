package org.jftrace.tracers.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.tracers.function.FunctionTraceFormat;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.graph.GraphTraceFormat;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.ProfileFormat;
import org.jftrace.tracers.ring.BufferStats;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.TraceEvent;

/** The files of a {@link Tracefs}: what each one reads as and what a write to it does. */
final class TracefsFiles {
    static final List<String> READ_ONLY = List.of("available_filter_functions", "enabled_functions",
            "available_tracers", "buffer_total_size_kb", "trace_pipe", "trace_stat/function");
    static final List<String> WRITABLE = List.of("set_ftrace_filter", "set_ftrace_notrace", "set_graph_function",
            "set_graph_notrace", "current_tracer", "tracing_on", "trace", "buffer_size_kb", "trace_options",
            "max_graph_depth", "function_profile_enabled", "trace_clock", "set_ftrace_pid", "snapshot");
    private static final String PER_THREAD = "per_thread/buf";

    private TracefsFiles() {
    }

    static String read(Tracefs fs, String f) {
        Settings s = fs.settings();
        switch (f) {
            case "available_filter_functions":
                return Tracefs.availableFilterFunctions();
            case "enabled_functions":
                StringBuilder sb = new StringBuilder();
                Ftrace.enabledFunctions().forEach(e -> sb.append(e).append('\n'));
                return sb.toString();
            case "available_tracers":
                return String.join(" ", Tracefs.TRACERS) + "\n";
            case "current_tracer":
                return fs.current() + "\n";
            case "set_ftrace_filter":
                return FilterCommands.showFilter(fs, s);
            case "set_ftrace_pid":
                return FilterCommands.showPid(s);
            case "snapshot":
                return FilterCommands.snapshot(fs);
            case "set_ftrace_notrace":
                return GlobList.show(s.notrace, false);
            case "set_graph_function":
                return GlobList.show(s.graphFunction, true);
            case "set_graph_notrace":
                return GlobList.show(s.graphNotrace, false);
            case "tracing_on":
                return (s.tracingOn ? 1 : 0) + "\n";
            case "buffer_size_kb":
                return (fs.ring() != null ? fs.ring().bufferSizeKb() : s.bufferSizeKb) + "\n";
            case "buffer_total_size_kb":
                return (long) (fs.ring() != null ? fs.ring().bufferSizeKb() : s.bufferSizeKb) * fs.buffers() + "\n";
            case "max_graph_depth":
                return s.maxGraphDepth + "\n";
            case "trace_options":
                return fs.traceOptions();
            case "function_profile_enabled":
                return (fs.profiling() ? 1 : 0) + "\n";
            case "trace_stat/function":
                FunctionProfiler p = fs.profiler();
                return p != null ? p.traceStat() : ProfileFormat.table(List.of(), Ftrace::lookup, "");
            case "trace_clock":
                return FilterCommands.showClock(s);
            case "trace":
                return trace(fs, -1);
            case "trace_pipe":
                return pipe(fs);
            default:
                return readOther(fs, f, s);
        }
    }

    private static String readOther(Tracefs fs, String f, Settings s) {
        if (f.startsWith("options/") && Settings.DEFAULT_OPTIONS.containsKey(f.substring(8))) {
            return (s.option(f.substring(8)) ? 1 : 0) + "\n";
        }
        int b = perThread(fs, f);
        if (b >= 0 && f.endsWith("/trace")) {
            return trace(fs, b);
        }
        if (b >= 0 && f.endsWith("/stats")) {
            RingBuffer r = fs.ring();
            BufferStats st = r != null ? r.stats().get(b) : new BufferStats(b, 0, 0, 0, 0, 0);
            return "entries: " + st.entries() + "\noverrun: " + st.overrun() + "\nwritten: " + st.written()
                    + "\ndropped events: " + st.lost() + "\nread events: " + st.read() + "\n";
        }
        throw noSuchFile(f);
    }

    static void write(Tracefs fs, String f, String v, boolean append) {
        Settings old = fs.settings();
        Settings n = old.copy();
        switch (f) {
            case "set_ftrace_filter":
                FilterCommands.writeFilter(fs, n, f, v, append);
                break;
            case "set_ftrace_pid":
                FilterCommands.writePid(n, v, append);
                break;
            case "snapshot":
                FilterCommands.writeSnapshot(fs, f, v);
                return;
            case "set_ftrace_notrace":
                n.notrace = GlobList.apply(f, n.notrace, v, append, fs::checkGlob);
                break;
            case "set_graph_function":
                n.graphFunction = GlobList.apply(f, n.graphFunction, v, append, fs::checkGlob);
                break;
            case "set_graph_notrace":
                n.graphNotrace = GlobList.apply(f, n.graphNotrace, v, append, fs::checkGlob);
                break;
            case "current_tracer":
                fs.setTracer(v);
                return;
            case "function_profile_enabled":
                fs.setProfiling(bool(f, v));
                return;
            case "trace":
                fs.clearTrace(); // echo > trace: whatever is written, the buffers are emptied
                return;
            case "tracing_on":
                n.tracingOn = bool(f, v);
                break;
            case "buffer_size_kb":
                n.bufferSizeKb = number(f, v, 1, RingBuffer.MAX_BUFFER_SIZE_KB, "4096");
                break;
            case "max_graph_depth":
                n.maxGraphDepth = number(f, v, 0, Integer.MAX_VALUE, "5 (0: no limit)");
                break;
            case "trace_options":
                boolean on = !v.startsWith("no") || Settings.DEFAULT_OPTIONS.containsKey(v);
                String name = on ? v : v.substring(2);
                checkOption(f, name);
                n.options.put(name, on);
                break;
            case "trace_clock":
                n.clock = TraceClock.of(v); // a running tracer restarts on new, empty buffers, as the kernel resets them
                break;
            default:
                if (f.startsWith("options/") && Settings.DEFAULT_OPTIONS.containsKey(f.substring(8))) {
                    n.options.put(f.substring(8), bool(f, v));
                    break;
                }
                if (READ_ONLY.contains(f) || perThread(fs, f) >= 0) {
                    throw new TracefsException("EACCES", f, "is read-only" + (f.startsWith(PER_THREAD)
                            ? ": clear every buffer with 'echo > trace'" : ""));
                }
                throw noSuchFile(f);
        }
        if (n.option("function-fork") != old.option("function-fork")) {
            n.refilterThreads(); // a new filter: function-fork's marks start afresh
        }
        fs.apply(n);
    }

    private static void checkOption(String f, String name) {
        if (!Settings.DEFAULT_OPTIONS.containsKey(name)) {
            throw new TracefsException("EINVAL", f, "'" + name + "' is no option: write one of "
                    + String.join(", ", Settings.DEFAULT_OPTIONS.keySet()) + ", or it with 'no' in front to turn it off");
        }
    }

    private static TracefsException noSuchFile(String f) {
        return new TracefsException("ENOENT", f.isEmpty() ? "(no name)" : f, "no such file; the files are: "
                + String.join(" ", topLevel()));
    }

    private static List<String> topLevel() {
        List<String> l = new ArrayList<>(READ_ONLY);
        l.addAll(WRITABLE);
        l.add("options/NAME");
        l.add("per_thread/bufN/{trace,stats}");
        l.sort(null);
        return l;
    }

    /** {@return N of {@code per_thread/bufN/...}, or -1 if {@code f} names no such file} */
    private static int perThread(Tracefs fs, String f) {
        if (!f.startsWith(PER_THREAD)) {
            return -1;
        }
        int slash = f.indexOf('/', PER_THREAD.length());
        String n = slash < 0 ? "" : f.substring(PER_THREAD.length(), slash);
        String leaf = slash < 0 ? "" : f.substring(slash + 1);
        if (!n.matches("[0-9]{1,4}") || Integer.parseInt(n) >= fs.buffers() || !(leaf.equals("trace") || leaf.equals("stats"))) {
            return -1;
        }
        return Integer.parseInt(n);
    }

    private static boolean bool(String f, String v) {
        if (v.equals("0") || v.equals("1")) {
            return v.equals("1");
        }
        throw new TracefsException("EINVAL", f, "'" + v + "' is not 0 or 1: write 1 (on) or 0 (off)");
    }

    private static int number(String f, String v, int min, int max, String example) {
        long n = v.matches("[0-9]{1,10}") ? Long.parseLong(v) : -1;
        if (n < min || n > max) {
            throw new TracefsException("EINVAL", f, "'" + v + "' is not a number from " + min + " to " + max
                    + ": write e.g. " + example);
        }
        return (int) n;
    }

    /** {@return the trace file, of every buffer or of buffer {@code only}} */
    private static String trace(Tracefs fs, int only) {
        FunctionTracer f = fs.function();
        GraphTracer g = fs.graph();
        RingBuffer r = fs.ring();
        if (r == null) {
            return "# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:" + fs.buffers() + "\n#\n";
        }
        if (only < 0) {
            return f != null ? f.trace() : g.trace();
        }
        RingBuffer.Snapshot snap = r.snapshot();
        List<TraceEvent> events = new ArrayList<>();
        for (TraceEvent e : snap.events()) {
            if (e.buffer() == only) {
                events.add(e);
            }
        }
        List<BufferStats> stats = List.of(snap.stats().get(only));
        StringBuilder sb = new StringBuilder();
        if (f != null) {
            FunctionTraceFormat fmt = new FunctionTraceFormat(r, fs.settings().option("sym-offset"));
            fmt.header(sb, FunctionTracer.NAME, stats);
            fmt.lines(sb, events);
        } else {
            GraphTraceFormat fmt = new GraphTraceFormat(r, TracefsPipe.graphOptions(g), Ftrace::lookup,
                    g.exceptionIds()::name);
            fmt.header(sb, GraphTracer.NAME, stats);
            fmt.lines(sb, events);
        }
        return sb.toString();
    }

    /** {@return trace_pipe: the events there now, consumed; empty when none} */
    private static String pipe(Tracefs fs) {
        try {
            List<String> lines = fs.filePipe().read(0, TimeUnit.MILLISECONDS);
            return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
