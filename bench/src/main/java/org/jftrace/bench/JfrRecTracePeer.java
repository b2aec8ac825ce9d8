package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import jdk.jfr.Recording;

/** Peer row "recJfrTrace" (JDK 25+): JFR {@code jdk.MethodTrace}, no stack trace, on the recursive {@link TargetRecursive#compute}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrRecTracePeer extends Inputs {
    static final String EVENT = "jdk.MethodTrace";
    public int depth = TargetRecursive.DEPTH;
    TargetRecursive target;
    Recording recording;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetRecursive();
        recording = Peers.startJfr(EVENT, false, TargetRecursive.class);
        target.compute(a, depth);
        long n = Peers.countJfr(recording, EVENT, depth + 1, TargetRecursive.class);
        if (n < depth + 1) {
            throw new IllegalStateException("recJfrTrace: " + n + " events recorded for one call (" + (depth + 1) + " entries)");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long n = Peers.countJfr(recording, EVENT, 1, TargetRecursive.class);
        recording.stop();
        recording.close();
        if (n == 0) {
            throw new IllegalStateException("recJfrTrace: no event recorded at the end of the run");
        }
    }

    @Benchmark
    public int recJfrTrace() {
        return target.compute(a, depth);
    }
}
