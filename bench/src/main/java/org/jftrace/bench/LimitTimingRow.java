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
 * Row "limitTiming": the hand-written timing pair ({@link TargetLimitTiming}): two clock reads and a
 * field add per call. Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitTimingRow extends Inputs {
    TargetLimitTiming target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimitTiming();
        Hooking.expectNotHooked(TargetLimitTiming.METHOD);
    }

    @Benchmark
    public int limitTiming() {
        return target.compute(a, b);
    }
}
