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

/** Row "threeOpsGuarded": three empty ops with the default recursion guard (taken once for the chain). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ThreeOpsGuardedRow extends Inputs {
    TargetThreeOpsGuarded target;
    FtraceOps[] ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetThreeOpsGuarded(); // loads the class first: a filter must match a method of a loaded class
        ops = new FtraceOps[3];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Hooking.emptyOps("threeOpsGuarded-" + i, false);
            Hooking.register(ops[i], TargetThreeOpsGuarded.METHOD);
        }
        Hooking.expectHooked(TargetThreeOpsGuarded.METHOD, 3, false, () -> target.compute(a, b), 1);
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
    public int threeOpsGuarded() {
        return target.compute(a, b);
    }
}
