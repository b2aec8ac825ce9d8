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

/** Row "threeOpsSafe": three empty RECURSION_SAFE ops on the method (three trampolines chained in one call site). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ThreeOpsSafeRow extends Inputs {
    TargetThreeOpsSafe target;
    FtraceOps[] ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetThreeOpsSafe(); // loads the class first: a filter must match a method of a loaded class
        ops = new FtraceOps[3];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Hooking.emptyOps("threeOpsSafe-" + i, true);
            Hooking.register(ops[i], TargetThreeOpsSafe.METHOD);
        }
        Hooking.expectHooked(TargetThreeOpsSafe.METHOD, 3, true, () -> target.compute(a, b), 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ops != null) {
            for (FtraceOps o : ops) {
                Hooking.unregisterQuietly(o);
            }
        }
    }

    @Benchmark
    public int threeOpsSafe() {
        return target.compute(a, b);
    }
}
