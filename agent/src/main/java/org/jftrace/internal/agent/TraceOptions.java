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
 *          | "output=" path                                    (start-up only)
 * </pre>
 * Each option at most once; {@code tracer} is required.
 */
public final class TraceOptions {
    public static final String FUNCTION = "function";
    public static final String FUNCTION_GRAPH = "function_graph";
    public static final String PROFILE = "profile";
    /** The largest buffer_size_kb (the ring buffer's own limit, RingBuffer.MAX_BUFFER_SIZE_KB). */
    static final int MAX_BUFFER_SIZE_KB = 1 << 20;
    private static final List<String> GRAPH_OPTIONS = List.of("funcgraph-cpu", "funcgraph-overhead", "funcgraph-proc",
            "funcgraph-duration", "funcgraph-abstime", "funcgraph-tail");
    private static final List<String> FUNCTION_OPTIONS = List.of("parent-ip", "sym-offset");
    private static final List<String> PROFILE_OPTIONS = List.of("graph-time");
    private static final List<String> NAMES = List.of("tracer", "filter", "notrace", "graph_function", "graph_notrace",
            "buffer_size_kb", "max_graph_depth", "options", "output");

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
            String name = eq < 0 ? item : item.substring(0, eq);
            if (!NAMES.contains(name) || name.equals("output") && !outputAllowed) {
                throw new IllegalArgumentException("unknown option '" + name + "'" + (eq < 0 ? " (no '=VALUE')" : "")
                        + ": write NAME=VALUE with NAME one of " + String.join(", ", outputAllowed ? NAMES
                        : NAMES.subList(0, NAMES.size() - 1)) + ", e.g. tracer=function_graph,filter=com.acme.*");
            }
            if (eq < 0) {
                throw bad(name, "no value: write " + name + "=VALUE");
            }
            if (v.putIfAbsent(name, item.substring(eq + 1)) != null) {
                throw bad(name, "given twice: give it once" + (name.equals("options") ? " and join the names with '+'"
                        : name.endsWith("filter") || name.endsWith("notrace") || name.equals("graph_function")
                        ? " and separate the globs with ';'" : ""));
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
        if (out.getOrDefault("sym-offset", false) && !out.getOrDefault("parent-ip", false)) {
            throw bad("options", "sym-offset prints the parent's offset, which needs parent-ip: write "
                    + "options=parent-ip+sym-offset");
        }
        return Collections.unmodifiableMap(out);
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
