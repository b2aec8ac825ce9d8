package org.jftrace.it.tracers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jftrace.FtraceException;
import org.jftrace.tracers.graph.GraphTracer;

/**
 * Runs the function_graph tracer in a JVM started with the agent and writes what it printed into
 * the directory given as argument; {@link GraphTracerJvmTest} checks it.
 */
public final class GraphTracerScenarios {
    static final String TREE = "org.jftrace.it.tracers.CallTree.";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        // the filters name loaded classes (a class not loaded yet needs a pending pattern)
        Class.forName(CallTree.class.getName());
        // default options, one thread
        GraphTracer t = GraphTracer.builder().filter(TREE + "*").build();
        trace(out, t, "plain", "tree");
        // funcgraph-proc and -tail, two threads at once
        t = GraphTracer.builder().filter(TREE + "*").build();
        t.setOption("funcgraph-proc", true);
        t.setOption("funcgraph-tail", true);
        trace(out, t, "threads", "tree-1", "tree-2");
        t = GraphTracer.builder().filter(TREE + "*").maxGraphDepth(2).build();
        trace(out, t, "depth", "tree");
        t = GraphTracer.builder().filter(TREE + "*").graphFunction(TREE + "catcher").build();
        trace(out, t, "function", "tree");
        t = GraphTracer.builder().filter(TREE + "*").graphNotrace(TREE + "nest").build();
        trace(out, t, "notrace", "tree");
        for (String bad : new String[] {"funcgraph-colour", "tail"}) {
            try {
                t.setOption(bad, true);
                facts.setProperty("badOption." + bad, "accepted");
            } catch (FtraceException e) {
                facts.setProperty("badOption." + bad, e.getMessage());
            }
        }
        try {
            t.setMaxGraphDepth(-3);
            facts.setProperty("badDepth", "accepted");
        } catch (FtraceException e) {
            facts.setProperty("badDepth", e.getMessage());
        }
        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "function_graph scenarios");
        }
    }

    /** Each thread runs {@link TreeDriver#once()}, all at once; then the trace file. */
    private static void trace(Path out, GraphTracer t, String name, String... threads) throws Exception {
        t.start();
        Thread[] ts = new Thread[threads.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(TreeDriver::once, threads[i]);
        }
        for (Thread th : ts) {
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        t.stop();
        Files.writeString(out.resolve(name + ".txt"), t.trace());
    }
}
