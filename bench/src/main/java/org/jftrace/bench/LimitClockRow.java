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
 * Row "limitClock": one {@code System.nanoTime()} per call stored to a field, by hand
 * ({@link TargetLimitClock}): the least a tracer that timestamps each call can cost. Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitClockRow extends Inputs {
    TargetLimitClock target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimitClock();
        Hooking.expectNotHooked(TargetLimitClock.METHOD);
    }

    @Benchmark
    public int limitClock() {
        return target.compute(a, b);
    }
}
