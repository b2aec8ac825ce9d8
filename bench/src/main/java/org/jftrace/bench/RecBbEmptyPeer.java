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

/** Peer row "recBbEmpty": Byte Buddy, an empty {@code @Advice.OnMethodEnter} on the recursive {@link TargetRecursive#compute}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecBbEmptyPeer extends Inputs {
    public int depth = TargetRecursive.DEPTH;
    TargetRecursive target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetRecursive();
        Peers.weave(Peers.EmptyAdvice.class, TargetRecursive.class);
    }

    @Benchmark
    public int recBbEmpty() {
        return target.compute(a, depth);
    }
}
