package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.FunctionStat;

/**
 * Runs the function profiler in a JVM started with the agent over {@link CallTree} and writes its
 * counts (exact, by function name) and its text into the directory given as argument;
 * {@link ProfilerJvmTest} checks them.
 */
public final class ProfilerScenarios {
    static final String TREE = "org.jftrace.it.tracers.CallTree.";
    /** How many times each thread runs the tree. */
    static final int RUNS_1 = 5;
    static final int RUNS_2 = 3;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        Class.forName(CallTree.class.getName()); // the filter names a loaded class
        // graph-time on, per thread: two threads at once
        FunctionProfiler p = FunctionProfiler.builder().filter(TREE + "*").perThread(true).build();
        p.setEnabled(true);
        Thread t1 = runs("p-1", RUNS_1);
        Thread t2 = runs("p-2", RUNS_2);
        t1.join();
        t2.join();
        p.setEnabled(false);
        counts(facts, "total", p.stat());
        counts(facts, "t1", p.stat(t1.getId()));
        counts(facts, "t2", p.stat(t2.getId()));
        facts.setProperty("threads", p.threads().toString());
        facts.setProperty("tids", "[" + t1.getId() + ", " + t2.getId() + "]");
        facts.setProperty("lost", Long.toString(p.lost()));
        Files.writeString(out.resolve("stat.txt"), p.traceStat());
        p.reset();
        facts.setProperty("afterReset", Integer.toString(p.stat().size()));
        // graph-time off: self time, one thread
        p.setOption("graph-time", false);
        p.setEnabled(true);
        try {
            p.setOption("graph-time", true);
            facts.setProperty("optionWhileEnabled", "accepted");
        } catch (FtraceException e) {
            facts.setProperty("optionWhileEnabled", e.getMessage());
        }
        // one tree first, then reset: the first hooked calls link the hooks, time that lands in
        // the callers' self time (between their callees' clock reads), not in what is measured
        runs("self", 1).join();
        p.reset();
        long start = System.nanoTime();
        runs("self", RUNS_1).join();
        facts.setProperty("self.wall", Long.toString(System.nanoTime() - start));
        p.setEnabled(false);
        counts(facts, "self", p.stat());
        Files.writeString(out.resolve("self.txt"), p.traceStat());
        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "function profiler scenarios");
        }
    }

    private static Thread runs(String name, int n) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                TreeDriver.once();
            }
        }, name);
        t.start();
        return t;
    }

    /** {@code PREFIX.METHOD.hits} and {@code .time} (ns), by method name. */
    private static void counts(Properties facts, String prefix, java.util.List<FunctionStat> stats) {
        for (FunctionStat s : stats) {
            String m = Ftrace.lookup(s.ip()).orElseThrow().methodName();
            facts.setProperty(prefix + "." + m + ".hits", Long.toString(s.hits()));
            facts.setProperty(prefix + "." + m + ".time", Long.toString(s.time()));
        }
        facts.setProperty(prefix + ".functions", Integer.toString(stats.size()));
    }
}
