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
 * Row "limit": the method whose source starts with a hand-written {@code invokestatic} of an empty
 * static method ({@link TargetLimit}): the least any bytecode entry hook can cost. Not hooked by jftrace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LimitRow extends Inputs {
    TargetLimit target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetLimit();
        Hooking.expectNotHooked(TargetLimit.METHOD);
    }

    @Benchmark
    public int limit() {
        return target.compute(a, b);
    }
}
