package org.jftrace.bench.tracers;

import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.tracers.function.FunctionTracer;
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
 * The function tracer per call of a small method, in a fork with the agent (run from the
 * repository root: the agent is {@code agent/target/jftrace-agent.jar}). {@code tracer=none}: the
 * method untraced (the baseline); {@code function}: traced, no parents (one event per call into a
 * 1 MB x #P overwrite ring); {@code functionParentIp}: with exact parents (a stack walk per call).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(jvmArgsAppend = "-javaagent:agent/target/jftrace-agent.jar")
public class FunctionTracerBench {
    @Param({"none", "function", "functionParentIp"})
    public String tracer;

    private FunctionTracer t;
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
        if (!tracer.equals("none")) {
            t = FunctionTracer.builder().filter(Target.class.getName() + ".compute")
                    .parentIp(tracer.equals("functionParentIp")).build();
            t.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (t != null) {
            t.stop();
            // the ring really received the calls (not a dead hook)
            if (t.ring().snapshot().total().written() == 0) {
                throw new IllegalStateException("the tracer wrote no event");
            }
        }
    }

    @Benchmark
    public int call() {
        return Target.compute(x);
    }
}
