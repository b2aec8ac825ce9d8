package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Peer row "jfrTrace" (JDK 25+): JFR {@code jdk.MethodTrace} with a filter on {@link Target#compute}, no stack trace (one event per call, threshold 0). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrTracePeer extends JfrPeer {
    public JfrTracePeer() {
        super("jfrTrace", "jdk.MethodTrace", false);
    }

    @Benchmark
    public int jfrTrace() {
        return target.compute(a, b);
    }
}
