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

/** Peer row "bbArgs": Byte Buddy, {@code @Advice.AllArguments Object[]} read on enter (both ints unboxed into a static field). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BbArgsPeer extends Inputs {
    Target target;

    @Setup(Level.Trial)
    public void setup() {
        Peers.weave(Peers.ArgsAdvice.class);
        target = new Target();
        Peers.argSink = 0;
        target.compute(a, b);
        if (Peers.argSink != a + b) {
            throw new IllegalStateException("bbArgs: the advice did not read the arguments: sink " + Peers.argSink
                    + ", expected " + (a + b));
        }
    }

    @Benchmark
    public int bbArgs() {
        return target.compute(a, b);
    }
}
