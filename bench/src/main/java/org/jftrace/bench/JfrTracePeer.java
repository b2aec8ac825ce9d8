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

/** Peer row "jfrTrace" (JDK 25+): JFR {@code jdk.MethodTrace} with a filter on {@link TargetPeer#compute}, no stack trace (one event per call, threshold 0). Set-up and tear-down prove events were recorded. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrTracePeer extends Inputs {
    static final String EVENT = "jdk.MethodTrace";
    TargetPeer target;
    Recording recording;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetPeer();
        recording = Peers.startJfr(EVENT, false);
        for (int i = 0; i < 10; i++) {
            target.compute(a, b);
        }
        long n = Peers.countJfr(recording, EVENT, 10);
        if (n < 10) {
            throw new IllegalStateException("jfrTrace: " + n + " " + EVENT + " events/invocations recorded for 10 calls");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long n = Peers.countJfr(recording, EVENT, 1);
        recording.stop();
        recording.close();
        if (n == 0) {
            throw new IllegalStateException("jfrTrace: no " + EVENT + " event recorded at the end of the run");
        }
    }

    @Benchmark
    public int jfrTrace() {
        return target.compute(a, b);
    }
}
