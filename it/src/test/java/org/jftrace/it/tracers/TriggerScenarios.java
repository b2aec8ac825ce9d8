package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.FunctionStat;

/**
 * Runs the function triggers in a JVM started with the agent and writes what the tracers printed,
 * and facts, to the directory given as argument; {@link TriggersJvmTest} checks them.
 */
public final class TriggerScenarios {
    static final String W = "org.jftrace.it.tracers.TriggerWorkload.";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        TriggerWorkload.d(); // loaded, so that strict globs match its methods
        traceoffOnce(out, facts);
        stacktrace(out, facts);
        snapshot(out, facts);
        graphAndProfiler(out, facts);
        badTriggers(facts);
        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "trigger scenarios");
        }
    }

    /** tick 0-9, off (traceoff:1), tick 10-19, tracing on again by hand, off (count spent), tick 20-24, on, tick 25. */
    private static void traceoffOnce(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(W + "tick").build();
        t.triggers().add(W + "off:traceoff:1");
        t.triggers().add(W + "on:traceon");
        t.start();
        long off = Ftrace.lookupIp(W + "off");
        facts.setProperty("off.before", Long.toString(t.triggers().remaining(W + "off:traceoff", off)));
        onThread("ticker", () -> {
            ticks(0, 10);
            TriggerWorkload.off();
            facts.setProperty("off.tracingOnAfterFirst", Boolean.toString(t.isTracingOn()));
            ticks(10, 20);
            t.setTracingOn(true);
            TriggerWorkload.off();
            facts.setProperty("off.tracingOnAfterSecond", Boolean.toString(t.isTracingOn()));
            ticks(20, 25);
            t.setTracingOn(false);
            ticks(100, 105);
            TriggerWorkload.on();
            ticks(25, 26);
        });
        facts.setProperty("off.after", Long.toString(t.triggers().remaining(W + "off:traceoff", off)));
        facts.setProperty("off.list", t.triggers().list().toString());
        facts.setProperty("off.lines", String.join("|", t.triggers().lines()));
        t.stop();
        t.triggers().clear();
        Files.writeString(out.resolve("traceoff.txt"), t.trace());
    }

    /** outer -> inner -> hit three times, stacktrace:2 on hit: two stacks. */
    private static void stacktrace(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(W + "tick").build();
        t.triggers().add(W + "hit:stacktrace:2");
        t.start();
        onThread("stacker", () -> {
            for (int i = 0; i < 3; i++) {
                ticks(i, i + 1);
                TriggerWorkload.outer();
            }
        });
        t.stop();
        t.triggers().remove("!" + W + "hit:stacktrace");
        Files.writeString(out.resolve("stacktrace.txt"), t.trace());
    }

    /** tick 0-4, snap (snapshot:1), tick 5-9, snap again (count spent): the snapshot holds 0-4. */
    private static void snapshot(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(W + "tick").build();
        Files.writeString(out.resolve("snapshot-none.txt"), t.snapshot());
        t.triggers().add(W + "snap:snapshot:1");
        t.start();
        onThread("snapper", () -> {
            ticks(0, 5);
            TriggerWorkload.snap();
            ticks(5, 10);
            TriggerWorkload.snap();
        });
        t.stop();
        t.triggers().clear();
        Files.writeString(out.resolve("snapshot.txt"), t.snapshot());
        Files.writeString(out.resolve("snapshot-trace.txt"), t.trace());
    }

    /** traceoff:1 on function_graph and on the profiler: tracing_on works for all three tracers. */
    private static void graphAndProfiler(Path out, Properties facts) throws Exception {
        GraphTracer g = GraphTracer.builder().filter(W + "tick").build();
        g.triggers().add(W + "off:traceoff:1");
        g.triggers().add(W + "snap:snapshot");
        g.start();
        onThread("grapher", () -> {
            ticks(0, 3);
            TriggerWorkload.snap();
            TriggerWorkload.off();
            ticks(3, 10);
        });
        g.stop();
        g.triggers().clear();
        facts.setProperty("graph.tracingOn", Boolean.toString(g.isTracingOn()));
        Files.writeString(out.resolve("graph.txt"), g.trace());
        Files.writeString(out.resolve("graph-snapshot.txt"), g.snapshot());

        FunctionProfiler p = FunctionProfiler.builder().filter(W + "tick").build();
        p.triggers().add(W + "off:traceoff");
        p.setEnabled(true);
        onThread("profiled", () -> {
            ticks(0, 4);
            TriggerWorkload.off();
            ticks(4, 10);
            p.setTracingOn(true);
            ticks(10, 12);
        });
        p.setEnabled(false);
        p.triggers().clear();
        long hits = 0;
        for (FunctionStat s : p.stat()) {
            hits += s.hits();
        }
        facts.setProperty("profile.hits", Long.toString(hits));
        try {
            p.triggers().add(W + "hit:stacktrace");
            facts.setProperty("profile.stacktrace", "accepted");
        } catch (FtraceException e) {
            facts.setProperty("profile.stacktrace", e.getMessage());
        }
    }

    private static void badTriggers(Properties facts) {
        FunctionTracer t = FunctionTracer.builder().build();
        String[] bad = {W + "off:traceof", W + "off:traceoff:ten", "com.nowhere.Nothing.none:traceoff"};
        for (int i = 0; i < bad.length; i++) {
            try {
                t.triggers().add(bad[i]);
                facts.setProperty("bad." + i, "accepted");
            } catch (FtraceException e) {
                facts.setProperty("bad." + i, e.getMessage());
            }
        }
        facts.setProperty("bad.left", Integer.toString(t.triggers().list().size()));
    }

    static void ticks(int from, int to) {
        for (int i = from; i < to; i++) {
            TriggerWorkload.tick(i);
        }
    }

    static void onThread(String name, Runnable r) throws InterruptedException {
        Thread th = new Thread(r, name);
        th.start();
        th.join();
    }
}
