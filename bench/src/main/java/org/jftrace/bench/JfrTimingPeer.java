package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Peer row "jfrTiming" (JDK 25+): JFR {@code jdk.MethodTiming} with a filter on {@link Target#compute} (aggregated invocations and time, emitted at chunk end). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrTimingPeer extends JfrPeer {
    public JfrTimingPeer() {
        super("jfrTiming", "jdk.MethodTiming", false);
    }

    @Benchmark
    public int jfrTiming() {
        return target.compute(a, b);
    }
}
