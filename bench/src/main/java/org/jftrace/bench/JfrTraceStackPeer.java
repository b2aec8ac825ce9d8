package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Peer row "jfrTraceStack" (JDK 25+): JFR {@code jdk.MethodTrace} with a filter on {@link Target#compute}, with stack traces (one event per call, threshold 0). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrTraceStackPeer extends JfrPeer {
    public JfrTraceStackPeer() {
        super("jfrTraceStack", "jdk.MethodTrace", true);
    }

    @Benchmark
    public int jfrTraceStack() {
        return target.compute(a, b);
    }
}
