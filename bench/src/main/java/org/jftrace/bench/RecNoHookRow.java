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

/** Row "recNoHook": the baseline of the rec* rows, {@link TargetRecursive#compute} (9 entries per call) never hooked. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecNoHookRow extends Inputs {
    public int depth = TargetRecursive.DEPTH;
    TargetRecursive target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetRecursive();
        Hooking.expectNotHooked(TargetRecursive.METHOD);
    }

    @Benchmark
    public int recNoHook() {
        return target.compute(a, depth);
    }
}
