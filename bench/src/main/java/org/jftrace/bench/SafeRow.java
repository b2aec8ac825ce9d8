package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.jftrace.FtraceOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Row "safe": one empty RECURSION_SAFE callback (no recursion guard) on the method. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SafeRow extends Inputs {
    TargetSafe target;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetSafe(); // loads the class first: a filter must match a method of a loaded class
        ops = Hooking.emptyOps("safe", true);
        Hooking.register(ops, TargetSafe.METHOD);
        Hooking.expectHooked(TargetSafe.METHOD, 1, true, () -> target.compute(a, b), 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int safe() {
        return target.compute(a, b);
    }
}
