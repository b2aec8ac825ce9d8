package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.jftrace.FtraceException;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.function.ParentMode;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.profile.FunctionStat;
import org.jftrace.tracers.ring.TraceClock;

/**
 * Runs the tracers' options in a JVM started with the agent: nearest-traced parents, the thread
 * filter (set_ftrace_pid, function-fork), trace_clock. Writes texts and facts to the directory
 * given as argument; {@link TracerOptionsJvmTest} checks them.
 */
public final class TracerOptionsScenarios {
    static final String W = TriggerWorkload.class.getName() + ".";
    static final String TREE = CallTree.class.getName() + ".";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        TriggerWorkload.d(); // loaded, so that strict globs match
        Class.forName(CallTree.class.getName());
        parents(out, facts);
        threadFilter(out, facts);
        clocks(out, facts);
        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "tracer option scenarios");
        }
    }

    /** a -> b -> c (untraced) -> d, then d alone; and the call tree with recursion and an exception. */
    private static void parents(Path out, Properties facts) throws Exception {
        for (ParentMode mode : new ParentMode[] {ParentMode.NEAREST, ParentMode.EXACT}) {
            FunctionTracer t = FunctionTracer.builder().filter(W + "a", W + "b", W + "d").parents(mode).build();
            t.start();
            TriggerScenarios.onThread("tree", () -> {
                TriggerWorkload.a();
                TriggerWorkload.d();
            });
            t.stop();
            Files.writeString(out.resolve("parents-" + mode.name().toLowerCase() + ".txt"), t.trace());
        }
        FunctionTracer t = FunctionTracer.builder().filter(TREE + "*").parents(ParentMode.NEAREST).build();
        t.start();
        TriggerScenarios.onThread("calltree", CallTree::run);
        t.stop();
        Files.writeString(out.resolve("parents-calltree.txt"), t.trace());
    }

    /** pick-* by name, one thread by id, function-fork over platform and virtual threads; all three tracers. */
    private static void threadFilter(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(W + "tick")
                .threadFilter(ThreadFilter.parse("pick-*", false)).build();
        t.start();
        TriggerScenarios.onThread("pick-1", () -> TriggerScenarios.ticks(0, 5));
        TriggerScenarios.onThread("skip-1", () -> TriggerScenarios.ticks(0, 7));
        Thread byId = new Thread(() -> TriggerScenarios.ticks(0, 3), "byid");
        t.setThreadFilter(ThreadFilter.of(List.of(byId.getId()), List.of(), false));
        byId.start();
        byId.join();
        TriggerScenarios.onThread("pick-2", () -> TriggerScenarios.ticks(0, 4)); // no longer selected
        t.setThreadFilter(null);
        TriggerScenarios.onThread("anyone", () -> TriggerScenarios.ticks(0, 2));
        t.stop();
        Files.writeString(out.resolve("pid-function.txt"), t.trace());

        FunctionTracer f = FunctionTracer.builder().filter(W + "tick").threadFilter(ThreadFilter.parse("parent", true)).build();
        f.start();
        TriggerScenarios.onThread("parent", () -> {
            TriggerScenarios.ticks(0, 1);
            Thread kid = new Thread(() -> TriggerScenarios.ticks(0, 2), "kid");
            kid.start();
            join(kid);
            if (Runtime.version().feature() >= 21) {
                Thread v = startVirtual(() -> TriggerScenarios.ticks(0, 3));
                facts.setProperty("fork.virtualTid", Long.toString(v.getId()));
                join(v);
            }
        });
        TriggerScenarios.onThread("stranger", () -> TriggerScenarios.ticks(0, 4));
        f.stop();
        Files.writeString(out.resolve("pid-fork.txt"), f.trace());

        GraphTracer g = GraphTracer.builder().filter(W + "tick").threadFilter(ThreadFilter.parse("pick-*", false)).build();
        g.start();
        TriggerScenarios.onThread("pick-3", () -> TriggerScenarios.ticks(0, 5));
        TriggerScenarios.onThread("skip-3", () -> TriggerScenarios.ticks(0, 7));
        g.stop();
        Files.writeString(out.resolve("pid-graph.txt"), g.trace());

        FunctionProfiler p = FunctionProfiler.builder().filter(W + "tick").perThread(true)
                .threadFilter(ThreadFilter.parse("pick-*", false)).build();
        p.setEnabled(true);
        TriggerScenarios.onThread("pick-4", () -> TriggerScenarios.ticks(0, 5));
        TriggerScenarios.onThread("skip-4", () -> TriggerScenarios.ticks(0, 7));
        p.setEnabled(false);
        long hits = 0;
        for (FunctionStat s : p.stat()) {
            hits += s.hits();
        }
        facts.setProperty("pid.profile.hits", Long.toString(hits));
        facts.setProperty("pid.profile.threads", Integer.toString(p.threads().size()));
    }

    /** The counter and uptime clocks on the function tracer and function_graph; a change refused while started. */
    private static void clocks(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(W + "tick").clock(TraceClock.COUNTER).build();
        t.start();
        try {
            t.setTraceClock(TraceClock.MONO);
            facts.setProperty("clock.whileStarted", "accepted");
        } catch (FtraceException e) {
            facts.setProperty("clock.whileStarted", e.getMessage());
        }
        TriggerScenarios.onThread("counted", () -> TriggerScenarios.ticks(0, 6));
        t.stop();
        Files.writeString(out.resolve("clock-counter.txt"), t.trace());
        t.setTraceClock(TraceClock.UPTIME);
        t.start();
        TriggerScenarios.onThread("coarse", () -> TriggerScenarios.ticks(0, 3));
        t.stop();
        Files.writeString(out.resolve("clock-uptime.txt"), t.trace());
        GraphTracer g = GraphTracer.builder().filter(W + "a", W + "b", W + "d").clock(TraceClock.COUNTER).build();
        g.setOption("funcgraph-abstime", true);
        g.start();
        TriggerScenarios.onThread("graphcount", TriggerWorkload::a);
        g.stop();
        Files.writeString(out.resolve("clock-graph.txt"), g.trace());
    }

    /** By reflection: this module compiles for Java 17, which has no virtual threads. */
    static Thread startVirtual(Runnable r) {
        try {
            return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
