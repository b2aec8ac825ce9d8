package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.jftrace.EnabledFunction;
import org.jftrace.Ftrace;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.function.ParentMode;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.ring.RingBuffer;

/**
 * Each tracer on a filter that names the workload and the tracers' own classes, with the tracers
 * loaded from the class path (where jftrace hooks them like any application code, unlike the
 * agent's jar): records how many of the tracers' methods each tracer hooked, how many of the
 * workload's, and what it recorded. {@link OwnCodeJvmTest} checks them.
 */
public final class OwnCodeScenarios {
    static final String[] FILTER = {"org.jftrace.it.tracers.Workload.*", "org.jftrace.tracers.*"};
    static final int CALLS = 20;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        facts.setProperty("tracersFrom", String.valueOf(
                RingBuffer.class.getProtectionDomain().getCodeSource().getLocation()));
        Map<Integer, Integer> map = Workload.newMap();

        FunctionTracer f = FunctionTracer.builder().filter(FILTER).build();
        f.start();
        count(facts, "function");
        Workload.run(map, CALLS);
        f.stop();
        facts.setProperty("function.written", Long.toString(f.ring().snapshot().total().written()));

        FunctionTracer n = FunctionTracer.builder().filter(FILTER).parents(ParentMode.NEAREST).build();
        n.start();
        count(facts, "nearest");
        Workload.run(map, CALLS);
        n.stop();
        facts.setProperty("nearest.written", Long.toString(n.ring().snapshot().total().written()));

        GraphTracer g = GraphTracer.builder().filter(FILTER).build();
        g.start();
        count(facts, "graph");
        Workload.run(map, CALLS);
        g.stop();
        facts.setProperty("graph.written", Long.toString(g.ring().snapshot().total().written()));

        FunctionProfiler p = FunctionProfiler.builder().filter(FILTER).build();
        p.setEnabled(true);
        count(facts, "profile");
        Workload.run(map, CALLS);
        p.setEnabled(false);
        facts.setProperty("profile.hits", Long.toString(p.stat().stream().mapToLong(s -> s.hits()).sum()));

        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "tracers on their own code");
        }
    }

    /** Counts the enabled functions of the tracers' classes and of the workload's, under {@code name}. */
    private static void count(Properties facts, String name) {
        int own = 0;
        int workload = 0;
        String example = "";
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            String c = e.function().className();
            if (c.startsWith("org.jftrace.tracers.")) {
                own++;
                example = e.function().name();
            } else if (c.equals(Workload.class.getName())) {
                workload++;
            }
        }
        facts.setProperty(name + ".own", Integer.toString(own));
        facts.setProperty(name + ".ownExample", example);
        facts.setProperty(name + ".workload", Integer.toString(workload));
    }
}
