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

/**
 * Row "limitBranch": {@link TargetLimitBranch}, whose hand-written test at entry has a rare branch
 * that set-up takes one call in eight, so the JIT compiles it without a trap. Compare with row
 * limitCheck (the same test never taken: an uncommon trap, hence a full frame and a stack bang).
 * Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitBranchRow extends Inputs {
    TargetLimitBranch target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimitBranch();
        Hooking.expectNotHooked(TargetLimitBranch.METHOD);
        for (int i = 0; i < 50_000; i++) {
            TargetLimitBranch.armed = (i & 7) == 0;
            target.compute(i, 1);
        }
        TargetLimitBranch.armed = false;
    }

    @Benchmark
    public int limitBranch() {
        return target.compute(a, b);
    }
}
