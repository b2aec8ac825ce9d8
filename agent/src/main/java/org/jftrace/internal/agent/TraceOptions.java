package org.jftrace.internal.agent;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jftrace.FtraceException;
import org.jftrace.internal.glob.Glob;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.trigger.FunctionTrigger;
import org.jftrace.tracers.trigger.TriggerCommand;

/**
 * What to trace, in the kernel's tracefs names: the options of {@code -javaagent:jftrace-agent.jar=OPTIONS}
 * and of {@code jftrace record}'s {@code record-start} request. A pure value, parsed strictly: an
 * unknown option, a bad value or a malformed glob is an {@link IllegalArgumentException} whose
 * message names the option and says what to write instead.
 *
 * <p>Grammar ({@code ,} separates options except inside {@code (...)} and {@code [...]}, so a
 * parameter list such as {@code HashMap.put(java.lang.Object,java.lang.Object)} stays whole):
 * <pre>
 * options  = option ("," option)*
 * option   = "tracer=" ("function" | "function_graph" | "profile")
 *          | ("filter" | "notrace" | "graph_function" | "graph_notrace") "=" glob (";" glob)*
 *          | ("buffer_size_kb" | "max_graph_depth") "=" decimal
 *          | "options=" ["no"] name ("+" ["no"] name)*
 *          | "trigger=" glob ":" command [":" count] (";" ...)*   set_ftrace_filter's commands
 *          | ("threads" | "pid") "=" (tid | nameglob) (";" ...)*  set_ftrace_pid (options=function-fork: and children)
 *          | ("clock" | "trace_clock") "=" ("mono" | "counter" | "uptime")
 *          | "parents=" ("none" | "exact" | "nearest")            (function tracer)
 *          | "output=" path                                    (start-up only)
 * </pre>
 * Each option at most once (an alias counts as the same option); {@code tracer} is required.
 */
public final class TraceOptions {
    public static final String FUNCTION = "function";
    public static final String FUNCTION_GRAPH = "function_graph";
    public static final String PROFILE = "profile";
    /** The largest buffer_size_kb (the ring buffer's own limit, RingBuffer.MAX_BUFFER_SIZE_KB). */
    static final int MAX_BUFFER_SIZE_KB = 1 << 20;
    private static final List<String> GRAPH_OPTIONS = List.of("funcgraph-cpu", "funcgraph-overhead", "funcgraph-proc",
            "funcgraph-duration", "funcgraph-abstime", "funcgraph-tail", "function-fork");
    private static final List<String> FUNCTION_OPTIONS = List.of("parent-ip", "sym-offset", "function-fork");
    private static final List<String> PROFILE_OPTIONS = List.of("graph-time", "function-fork");
    /** The names, {@code output} last (record has every one but it). */
    private static final List<String> NAMES = List.of("tracer", "filter", "notrace", "graph_function", "graph_notrace",
            "buffer_size_kb", "max_graph_depth", "options", "trigger", "threads", "clock", "parents", "output");
    /** Other names of an option: the tracefs file's ({@code set_ftrace_pid}, {@code trace_clock}). */
    private static final Map<String, String> ALIASES = Map.of("pid", "threads", "trace_clock", "clock");
    private static final List<String> PARENTS = List.of("none", "exact", "nearest");

    public final String tracer;
    public final List<String> filter;
    public final List<String> notrace;
    public final List<String> graphFunction;
    public final List<String> graphNotrace;
    /** 0: the tracer's default. */
    public final int bufferSizeKb;
    public final int maxGraphDepth;
    /** Option name to on/off, in the order given. */
    public final Map<String, Boolean> options;
    /** Where start-up tracing writes the trace at exit; null: standard error (and always null for record). */
    public final Path output;
    /** set_ftrace_filter's commands, {@code glob:command[:count]}, in the order given. */
    public final List<String> triggers;
    /** set_ftrace_pid: thread ids and thread name globs; empty: every thread. */
    public final List<String> threads;
    /** trace_clock's name, or null for the default (mono). */
    public final String clock;
    /** none, exact or nearest; null: the tracer's default (none, or exact with options=parent-ip). */
    public final String parents;

    private TraceOptions(Map<String, String> v) {
        this.tracer = tracer(v.get("tracer"));
        this.filter = globs("filter", v.get("filter"));
        this.notrace = globs("notrace", v.get("notrace"));
        this.graphFunction = graphOnly("graph_function", globs("graph_function", v.get("graph_function")), v);
        this.graphNotrace = graphOnly("graph_notrace", globs("graph_notrace", v.get("graph_notrace")), v);
        this.bufferSizeKb = number("buffer_size_kb", v.get("buffer_size_kb"), 1, MAX_BUFFER_SIZE_KB);
        if (bufferSizeKb != 0 && tracer.equals(PROFILE)) {
            throw bad("buffer_size_kb", "the profile tracer has no ring buffer: leave buffer_size_kb out");
        }
        this.maxGraphDepth = number("max_graph_depth", v.get("max_graph_depth"), 0, Integer.MAX_VALUE);
        graphOnly("max_graph_depth", maxGraphDepth, v);
        this.options = options(tracer, v.get("options"));
        this.output = output(v.get("output"));
        this.triggers = triggers(tracer, v.get("trigger"));
        this.threads = threads(v.get("threads"), options.getOrDefault("function-fork", false));
        this.clock = clock(tracer, v.get("clock"));
        this.parents = parents(tracer, v.get("parents"), options);
    }

    /**
     * {@return the options of {@code -javaagent:jftrace-agent.jar=TEXT}}
     *
     * @throws IllegalArgumentException naming the option at fault and what to write instead
     */
    public static TraceOptions parse(String text) {
        return of(split(text), true);
    }

    /**
     * {@return null if {@code text} parses, else the message naming the option at fault}; for
     * {@code premain}, before jftrace starts (this class needs only the glob parser)
     */
    public static String check(String text) {
        try {
            parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * {@return the options {@code name=value}, one per item} ({@code jftrace record}'s request;
     * {@code output} is refused: the command writes the file itself)
     *
     * @throws IllegalArgumentException naming the option at fault and what to write instead
     */
    public static TraceOptions of(List<String> items, boolean outputAllowed) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            String given = eq < 0 ? item : item.substring(0, eq);
            String name = ALIASES.getOrDefault(given, given);
            if (!NAMES.contains(name) || name.equals("output") && !outputAllowed) {
                throw new IllegalArgumentException("unknown option '" + given + "'" + (eq < 0 ? " (no '=VALUE')" : "")
                        + ": write NAME=VALUE with NAME one of " + String.join(", ", outputAllowed ? NAMES
                        : NAMES.subList(0, NAMES.size() - 1)) + ", e.g. tracer=function_graph,filter=com.acme.*");
            }
            if (eq < 0) {
                throw bad(name, "no value: write " + name + "=VALUE");
            }
            if (v.putIfAbsent(name, item.substring(eq + 1)) != null) {
                throw bad(name, "given twice: give it once" + (name.equals("options") ? " and join the names with '+'"
                        : name.endsWith("filter") || name.endsWith("notrace") || name.equals("graph_function")
                        || name.equals("trigger") || name.equals("threads") ? " and separate the "
                        + (name.equals("trigger") ? "triggers" : name.equals("threads") ? "threads" : "globs") + " with ';'"
                        : ALIASES.containsValue(name) ? " (" + name + " and its other name are the same option)" : ""));
            }
        }
        if (v.get("tracer") == null) {
            throw new IllegalArgumentException("option tracer is missing: add tracer=function, tracer=function_graph or "
                    + "tracer=profile");
        }
        return new TraceOptions(v);
    }

    /** {@return the items of {@code text}, split at the commas outside parentheses and brackets} */
    static List<String> split(String text) {
        List<String> items = split(text, true);
        for (String item : items) {
            if (item.isEmpty()) {
                throw new IllegalArgumentException("an empty option in '" + text + "': separate options with one ',' "
                        + "and end without one");
            }
        }
        return items;
    }

    /**
     * Splits at commas; with {@code nest}, not inside {@code (...)} or {@code [...]}. An unclosed
     * one splits again without nesting, so that the glob's parser names the glob alone, not the
     * rest of the options it would swallow.
     */
    private static List<String> split(String text, boolean nest) {
        List<String> items = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return items;
        }
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++; // an escaped character never separates
            } else if (nest && (c == '(' || c == '[')) {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(text.substring(from, i));
                from = i + 1;
            }
        }
        items.add(text.substring(from));
        return depth > 0 ? split(text, false) : items;
    }

    /** {@return the options as {@link #of} takes them back} (record's request words) */
    public List<String> items() {
        List<String> w = new ArrayList<>();
        w.add("tracer=" + tracer);
        addGlobs(w, "filter", filter);
        addGlobs(w, "notrace", notrace);
        addGlobs(w, "graph_function", graphFunction);
        addGlobs(w, "graph_notrace", graphNotrace);
        if (bufferSizeKb != 0) {
            w.add("buffer_size_kb=" + bufferSizeKb);
        }
        if (maxGraphDepth != 0) {
            w.add("max_graph_depth=" + maxGraphDepth);
        }
        if (!options.isEmpty()) {
            List<String> o = new ArrayList<>();
            options.forEach((k, on) -> o.add(on ? k : "no" + k));
            w.add("options=" + String.join("+", o));
        }
        if (!triggers.isEmpty()) {
            w.add("trigger=" + String.join(";", triggers));
        }
        if (!threads.isEmpty()) {
            w.add("threads=" + String.join(";", threads));
        }
        if (clock != null) {
            w.add("clock=" + clock);
        }
        if (parents != null) {
            w.add("parents=" + parents);
        }
        return w;
    }

    private static void addGlobs(List<String> w, String name, List<String> globs) {
        if (!globs.isEmpty()) {
            w.add(name + "=" + String.join(";", globs));
        }
    }

    private static String tracer(String t) {
        if (t.equals(FUNCTION) || t.equals(FUNCTION_GRAPH) || t.equals(PROFILE)) {
            return t;
        }
        throw bad("tracer", "'" + t + "' is not a tracer: write tracer=function, tracer=function_graph or tracer=profile");
    }

    private static List<String> globs(String name, String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String g : value.split(";", -1)) {
            if (g.isBlank()) {
                throw bad(name, "an empty glob in '" + value + "': separate globs with one ';', e.g. "
                        + name + "=com.acme.*;java.util.HashMap.get");
            }
            try {
                Glob.parse(g);
            } catch (FtraceException e) {
                throw bad(name, e.getMessage());
            }
            out.add(g);
        }
        return Collections.unmodifiableList(out);
    }

    private <T> T graphOnly(String name, T value, Map<String, String> v) {
        if (v.get(name) != null && !tracer.equals(FUNCTION_GRAPH)) {
            throw bad(name, "only the function_graph tracer has it: use tracer=function_graph or leave " + name + " out");
        }
        return value;
    }

    private static int number(String name, String value, int min, int max) {
        if (value == null) {
            return 0;
        }
        long n = value.matches("[0-9]{1,10}") ? Long.parseLong(value) : -1;
        if (n < min || n > max) {
            throw bad(name, "'" + value + "' is not a number from " + min + " to " + max + ": write e.g. " + name + "="
                    + (name.equals("max_graph_depth") ? "5 (0: no limit)" : "4096"));
        }
        return (int) n;
    }

    private static Map<String, Boolean> options(String tracer, String value) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        List<String> known = tracer.equals(FUNCTION_GRAPH) ? GRAPH_OPTIONS : tracer.equals(FUNCTION) ? FUNCTION_OPTIONS
                : PROFILE_OPTIONS;
        for (String o : value.split("\\+", -1)) {
            boolean on = !(o.startsWith("no") && known.contains(o.substring(2)));
            String name = on ? o : o.substring(2);
            if (!known.contains(name)) {
                throw bad("options", "'" + o + "' is not an option of the " + tracer + " tracer: give "
                        + String.join(", ", known) + " (a 'no' in front turns one off), joined by '+'");
            }
            if (out.put(name, on) != null) {
                throw bad("options", "'" + name + "' given twice: give it once");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@return the triggers of {@code value}}, each checked as set_ftrace_filter takes it */
    private static List<String> triggers(String tracer, String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String spec : value.split(";", -1)) {
            FunctionTrigger t;
            try {
                t = FunctionTrigger.parse(spec);
                Glob.parse(t.glob());
            } catch (FtraceException e) {
                throw bad("trigger", e.getMessage() + (spec.isBlank() ? " (separate triggers with one ';')" : ""));
            }
            if (tracer.equals(PROFILE) && (t.command() == TriggerCommand.STACKTRACE || t.command() == TriggerCommand.SNAPSHOT)) {
                throw bad("trigger", "'" + spec + "': the profile tracer has no ring buffer for a " + t.command().word()
                        + " trigger: give traceon or traceoff, or use tracer=function or tracer=function_graph");
            }
            out.add(spec.strip());
        }
        return Collections.unmodifiableList(out);
    }

    /** {@return the thread ids and name globs of {@code value}} (';' between them; ',' and blanks too where no ',' separates options) */
    private static List<String> threads(String value, boolean fork) {
        if (value == null) {
            if (fork) {
                throw bad("options", "function-fork also traces the threads that the threads of threads= start: give "
                        + "threads=ID;NAMEGLOB too, or leave function-fork out");
            }
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String w : value.split("[;,\\s]+")) {
            if (!w.isEmpty() && !out.contains(w)) {
                out.add(w);
            }
        }
        try {
            ThreadFilter.parse(String.join(" ", out), fork);
        } catch (FtraceException e) {
            throw bad("threads", e.getMessage() + ", e.g. threads=1;worker-*");
        }
        return Collections.unmodifiableList(out);
    }

    private static String clock(String tracer, String value) {
        if (value == null) {
            return null;
        }
        if (tracer.equals(PROFILE)) {
            throw bad("clock", "the profile tracer has no ring buffer to stamp: leave clock out");
        }
        try {
            return TraceClock.of(value).word();
        } catch (FtraceException e) {
            throw bad("clock", e.getMessage());
        }
    }

    /** {@return none, exact or nearest} (function tracer only); agrees with options=parent-ip and sym-offset */
    private static String parents(String tracer, String value, Map<String, Boolean> options) {
        Boolean parentIp = options.get("parent-ip");
        if (value != null) {
            if (!tracer.equals(FUNCTION)) {
                throw bad("parents", "only the function tracer records parents (function_graph nests calls): use "
                        + "tracer=function or leave parents out");
            }
            if (!PARENTS.contains(value)) {
                throw bad("parents", "'" + value + "' is not a way to record parents: write parents=none (the "
                        + "default), parents=exact (a stack walk per call) or parents=nearest (the nearest traced frame)");
            }
            if (parentIp != null && parentIp != value.equals("exact")) {
                throw bad("parents", "parents=" + value + " and options=" + (parentIp ? "" : "no") + "parent-ip disagree: "
                        + "parent-ip is parents=exact; give one of them");
            }
        }
        boolean exact = "exact".equals(value) || Boolean.TRUE.equals(parentIp);
        if (options.getOrDefault("sym-offset", false) && !exact) {
            throw bad("options", "sym-offset prints the parent's offset, which needs exact parents: write "
                    + "options=parent-ip+sym-offset or parents=exact,options=sym-offset");
        }
        return value;
    }

    private static Path output(String value) {
        if (value == null) {
            return null;
        }
        Path p;
        try {
            p = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw bad("output", "'" + value + "' is not a file name: " + e.getMessage());
        }
        if (value.isEmpty() || Files.isDirectory(p)) {
            throw bad("output", "'" + value + "' is " + (value.isEmpty() ? "empty" : "a directory")
                    + ": write output=FILE, e.g. output=/tmp/app.trace");
        }
        if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
            throw bad("output", "the directory of " + p + " does not exist: create it or write output= a file in an "
                    + "existing directory");
        }
        return p;
    }

    private static IllegalArgumentException bad(String option, String what) {
        return new IllegalArgumentException("option " + option + ": " + what);
    }

    /** {@return a one-line description}, as progress and errors name a recording */
    @Override
    public String toString() {
        return String.join(",", items());
    }
}
