package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jftrace.tracers.fs.Tracefs;
import org.jftrace.tracers.fs.TracefsException;

/**
 * Drives set_ftrace_filter's triggers, set_ftrace_pid with function-fork, trace_clock, snapshot and
 * func-nearest-parent through the tracefs namespace in a JVM started with the agent, over a small
 * workload ({@code outer} calls {@code leaf} twice), and writes what the files said into the
 * directory given as argument; {@link TracefsWiringJvmTest} checks it.
 */
public final class TracefsWiringScenarios {
    static final String SELF = "org.jftrace.it.tracers.TracefsWiringScenarios.";
    private static Properties facts;
    private static Path out;

    private TracefsWiringScenarios() {
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
        fs.write("set_ftrace_filter", SELF + "outer " + SELF + "leaf");
        fs.append("set_ftrace_filter", SELF + "outer:traceoff:1"); // under nop: kept, armed when a tracer starts
        fs.write("current_tracer", "function");
        calls(3);
        facts.setProperty("traceoff.tracingOn", fs.read("tracing_on").strip());
        save("traceoff.trace", fs.read("trace"));
        save("traceoff.filter", fs.read("set_ftrace_filter"));
        fs.write("tracing_on", "1");
        calls(1); // the count is spent: tracing stays on
        facts.setProperty("traceoff.spent.tracingOn", fs.read("tracing_on").strip());
        fs.append("set_ftrace_filter", "!" + SELF + "outer:traceoff");
        save("traceoff.removed", fs.read("set_ftrace_filter"));
        error(fs, "badTrigger", "set_ftrace_filter", SELF + "outer:traceof", true);

        fs.write("trace", "");
        fs.append("set_ftrace_filter", SELF + "leaf:snapshot:1");
        calls(1);
        save("snapshot.trigger", fs.read("snapshot"));
        save("snapshot.trace", fs.read("trace"));
        fs.write("snapshot", "1");
        save("snapshot.taken", fs.read("snapshot"));
        error(fs, "snapshotFree", "snapshot", "0", false);
        fs.append("set_ftrace_filter", "!" + SELF + "leaf:snapshot");

        fs.write("trace", "");
        fs.append("set_ftrace_filter", SELF + "leaf:stacktrace:1");
        calls(1);
        save("stacktrace.trace", fs.read("trace"));
        fs.append("set_ftrace_filter", "!" + SELF + "leaf:stacktrace");

        fs.write("trace", "");
        fs.write("set_ftrace_pid", "wiring-parent");
        calls(2); // main: not traced
        runChildOf("wiring-parent", "wiring-child");
        save("pid.nofork", fs.read("trace"));
        fs.write("options/function-fork", "1");
        fs.write("trace", "");
        runChildOf("wiring-parent", "wiring-child");
        save("pid.fork", fs.read("trace"));
        fs.write("set_ftrace_pid", "");
        fs.write("options/function-fork", "0");

        calls(1);
        fs.write("trace_clock", "counter"); // restarts the tracer on new, empty buffers
        facts.setProperty("clock.file", fs.read("trace_clock").strip());
        save("clock.reset", fs.read("trace"));
        calls(1);
        save("clock.counter", fs.read("trace"));
        fs.write("trace_clock", "mono");

        fs.write("options/func-nearest-parent", "1");
        calls(1);
        save("nearest.trace", fs.read("trace"));
        fs.write("current_tracer", "nop");
        save("enabled.end", fs.read("enabled_functions"));
        facts.store(Files.newBufferedWriter(out.resolve("facts.properties")), "tracefs wiring");
    }

    /** A thread named {@code parent} calls outer once, then starts {@code child}, which calls outer once. */
    private static void runChildOf(String parent, String child) throws InterruptedException {
        Thread p = new Thread(() -> {
            outer(1);
            Thread c = new Thread(() -> outer(2), child);
            c.start();
            try {
                c.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, parent);
        p.start();
        p.join();
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
