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

/** Row "guarded": one empty callback with the default per-thread recursion guard. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardedRow extends Inputs {
    TargetGuarded target;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetGuarded(); // loads the class first: a filter must match a method of a loaded class
        ops = Hooking.emptyOps("guarded", false);
        Hooking.register(ops, TargetGuarded.METHOD);
        Hooking.expectHooked(TargetGuarded.METHOD, 1, false, () -> target.compute(a, b), 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int guarded() {
        return target.compute(a, b);
    }
}
