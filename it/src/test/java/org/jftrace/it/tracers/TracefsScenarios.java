package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jftrace.tracers.fs.Tracefs;
import org.jftrace.tracers.fs.TracefsException;

/**
 * Drives the tracers through the tracefs namespace ({@link Tracefs}) in a JVM started with the
 * agent, over a small workload ({@code outer} calls {@code leaf} twice), and writes what the files
 * said into the directory given as argument; {@link TracefsJvmTest} checks it.
 */
public final class TracefsScenarios {
    static final String SELF = "org.jftrace.it.tracers.TracefsScenarios.";
    private static Properties facts;
    private static Path out;

    private TracefsScenarios() {
    }

    static int leaf(int v) {
        return v * 3 + 1;
    }

    static int outer(int v) {
        return leaf(v) + leaf(v + 1);
    }

    static int calls(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += outer(i);
        }
        return s;
    }

    public static void main(String[] args) throws Exception {
        out = Path.of(args[0]);
        facts = new Properties();
        Tracefs fs = Tracefs.create();
        fs.write("set_ftrace_filter", SELF + "outer");
        fs.append("set_ftrace_filter", SELF + "leaf");
        error(fs, "badGlob", "set_ftrace_filter", SELF + "[leaf", true);
        error(fs, "noMatch", "set_ftrace_filter", "no.such.Class.*", true);
        save("filter", fs.read("set_ftrace_filter"));

        fs.write("current_tracer", "function");
        save("enabled.function", fs.read("enabled_functions"));
        calls(3);
        save("function.trace", fs.read("trace"));
        fs.write("trace", "");
        save("function.cleared", fs.read("trace"));
        calls(1);
        fs.append("set_ftrace_filter", "!" + SELF + "leaf"); // live: outer alone from now on, the buffer kept
        calls(2);
        save("function.outerOnly", fs.read("trace"));
        fs.write("trace", "");
        fs.write("options/func_stack_trace", "1");
        calls(1);
        save("function.parents", fs.read("trace"));
        calls(2);
        save("pipe.first", fs.read("trace_pipe"));
        save("pipe.second", fs.read("trace_pipe"));
        calls(4);
        StringBuilder stats = new StringBuilder();
        for (int b = 0; b < Integer.parseInt(fs.read("buffer_total_size_kb").strip()) / Integer.parseInt(
                fs.read("buffer_size_kb").strip()); b++) {
            stats.append(fs.read("per_thread/buf" + b + "/stats")).append("--\n");
        }
        save("perThread.stats", stats.toString());
        save("perThread.trace", fs.read("trace"));
        fs.write("buffer_size_kb", "4");
        facts.setProperty("buffer.kb", fs.read("buffer_size_kb").strip());
        error(fs, "tracerWhileBadSize", "buffer_size_kb", "0", true);

        fs.write("set_ftrace_filter", SELF + "outer " + SELF + "leaf");
        fs.write("current_tracer", "function_graph");
        fs.write("options/funcgraph-tail", "1");
        calls(2);
        save("graph.trace", fs.read("trace"));
        fs.write("trace", "");
        fs.write("max_graph_depth", "1");
        calls(2);
        save("graph.depth1", fs.read("trace"));

        fs.write("current_tracer", "nop");
        save("enabled.nop", fs.read("enabled_functions"));
        fs.write("function_profile_enabled", "1");
        calls(5);
        fs.write("function_profile_enabled", "0");
        save("stat", fs.read("trace_stat/function"));
        save("enabled.end", fs.read("enabled_functions"));
        facts.store(Files.newBufferedWriter(out.resolve("facts.properties")), "tracefs");
    }

    private static void save(String name, String text) throws Exception {
        Files.writeString(out.resolve(name + ".txt"), text);
    }

    private static void error(Tracefs fs, String key, String file, String value, boolean append) {
        String before = fs.read(file);
        try {
            if (append) {
                fs.append(file, value);
            } else {
                fs.write(file, value);
            }
            facts.setProperty(key, "accepted");
        } catch (TracefsException e) {
            facts.setProperty(key, e.getMessage());
        }
        facts.setProperty(key + ".unchanged", Boolean.toString(before.equals(fs.read(file))));
    }
}
