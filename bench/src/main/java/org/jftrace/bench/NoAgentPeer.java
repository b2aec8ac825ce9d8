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

/** Peer row "peerNoHook": the baseline of the peer rows, {@link Target#compute} in a fork without any agent. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NoAgentPeer extends Inputs {
    Target target;

    @Setup(Level.Trial)
    public void setup() {
        Peers.requireNoJftrace();
        target = new Target();
    }

    @Benchmark
    public int peerNoHook() {
        return target.compute(a, b);
    }
}
