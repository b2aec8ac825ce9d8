package org.jftrace.bench.tracers;

import java.util.concurrent.TimeUnit;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The exit-hook tracers per call of a small method, in a fork with the agent (run from the
 * repository root: the agent is {@code agent/target/jftrace-agent.jar}). {@code tracer=none}: the
 * method untraced (the baseline); {@code function_graph}: an entry and an exit record per call into
 * a 1 MB x #P overwrite ring; {@code profile}: the function profiler (two clock reads and one
 * striped counter update per call); {@code profileSelf}: the profiler with graph-time off;
 * {@code fgraphEmpty}: an exit-hook ops whose handlers do nothing (the hook's own cost). The
 * {@code clock} method is {@code System.nanoTime()} alone, in the same run (each tracer value runs
 * it: the same measurement repeated).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(jvmArgsAppend = "-javaagent:agent/target/jftrace-agent.jar")
public class GraphTracerBench {
    @Param({"none", "fgraphEmpty", "function_graph", "profile", "profileSelf"})
    public String tracer;

    private GraphTracer graph;
    private FunctionProfiler profiler;
    private FgraphOps empty;
    private int x = 17;

    /** The traced method: small, not inlined away (its result is consumed). */
    public static final class Target {
        private Target() {
        }

        public static int compute(int v) {
            return v * 31 + (v >>> 3);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (!Ftrace.isInstalled()) {
            throw new IllegalStateException("no jftrace agent in this fork: run from the repository root");
        }
        String method = Target.class.getName() + ".compute";
        switch (tracer) {
            case "none" -> { }
            case "fgraphEmpty" -> {
                empty = FgraphOps.builder((ip, parentIp, depth, g) -> 0L,
                        (ip, data, depth, exit, value, bits, g) -> { }).filter(method).build();
                Ftrace.registerFgraph(empty);
            }
            case "function_graph" -> {
                graph = GraphTracer.builder().filter(method).build();
                graph.start();
            }
            case "profile", "profileSelf" -> {
                profiler = FunctionProfiler.builder().filter(method).graphTime(tracer.equals("profile")).build();
                profiler.setEnabled(true);
            }
            default -> throw new IllegalArgumentException(tracer);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (empty != null) {
            Ftrace.unregisterFgraph(empty);
        }
        // the tracers really received the calls (not a dead hook)
        if (graph != null) {
            graph.stop();
            if (graph.ring().snapshot().total().written() == 0) {
                throw new IllegalStateException("function_graph wrote no record");
            }
        }
        if (profiler != null) {
            profiler.setEnabled(false);
            if (profiler.stat().isEmpty() || profiler.stat().get(0).hits() == 0) {
                throw new IllegalStateException("the profiler counted no call");
            }
        }
    }

    @Benchmark
    public long clock() {
        return System.nanoTime();
    }

    @Benchmark
    public int call() {
        return Target.compute(x);
    }
}
