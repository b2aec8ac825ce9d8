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

import org.jftrace.FtraceOps;

/** Row "recSafe": one empty RECURSION_SAFE ops on the recursive {@link TargetRecursive#compute} (9 hooked entries per call). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecSafeRow extends Inputs {
    public int depth = TargetRecursive.DEPTH;
    TargetRecursive target;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetRecursive();
        ops = Hooking.emptyOps("recSafe", true);
        Hooking.register(ops, TargetRecursive.METHOD);
        Hooking.expectHooked(TargetRecursive.METHOD, 1, true, () -> target.compute(a, depth), depth + 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int recSafe() {
        return target.compute(a, depth);
    }
}
