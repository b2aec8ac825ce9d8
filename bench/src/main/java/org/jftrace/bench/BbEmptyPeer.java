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

/** Peer row "bbEmpty": Byte Buddy, an empty {@code @Advice.OnMethodEnter} woven into {@link Target#compute}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BbEmptyPeer extends Inputs {
    Target target;

    @Setup(Level.Trial)
    public void setup() {
        Peers.weave(Peers.EmptyAdvice.class);
        target = new Target();
    }

    @Benchmark
    public int bbEmpty() {
        return target.compute(a, b);
    }
}
