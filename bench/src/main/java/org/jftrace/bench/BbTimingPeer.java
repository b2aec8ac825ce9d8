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

/** Peer row "bbTiming": Byte Buddy, {@code System.nanoTime()} on enter and exit, the difference summed in a static field. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BbTimingPeer extends Inputs {
    Target target;

    @Setup(Level.Trial)
    public void setup() {
        Peers.weave(Peers.TimingAdvice.class);
        target = new Target();
        long before = Peers.timedCalls;
        target.compute(a, b);
        if (Peers.timedCalls != before + 1) {
            throw new IllegalStateException("bbTiming: the advice did not run (" + before + " -> " + Peers.timedCalls + ")");
        }
    }

    @Benchmark
    public int bbTiming() {
        return target.compute(a, b);
    }
}
