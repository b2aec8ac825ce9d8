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
 * Row "limitExit": the hand-written entry+exit hook ({@link TargetLimitExit}), the least an exit hook
 * can cost. Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitExitRow extends Inputs {
    TargetLimitExit target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimitExit();
        Hooking.expectNotHooked(TargetLimitExit.METHOD);
    }

    @Benchmark
    public int limitExit() {
        return target.compute(a, b);
    }
}
