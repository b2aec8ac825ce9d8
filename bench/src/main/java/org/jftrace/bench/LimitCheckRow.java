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
 * Row "limitCheck": the method whose source starts with a hand-written test of a never-set flag
 * ({@link TargetLimitCheck}): what any entry hook that tests something costs on this JVM and CPU,
 * whatever the hook mechanism. Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitCheckRow extends Inputs {
    TargetLimitCheck target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimitCheck();
        Hooking.expectNotHooked(TargetLimitCheck.METHOD);
    }

    @Benchmark
    public int limitCheck() {
        return target.compute(a, b);
    }
}
