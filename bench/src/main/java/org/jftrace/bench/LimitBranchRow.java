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
 * Row "limitBranch": the method whose source starts with a hand-written test of a never-set flag
 * ({@link TargetLimitBranch}): what any entry hook that tests something costs on this JVM and CPU,
 * whatever the hook mechanism. Not hooked by jftrace.
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
