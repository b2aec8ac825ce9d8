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

/** Row "noHook": the baseline, the method never hooked (the agent is installed, no ops selects it). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NoHookRow extends Inputs {
    TargetNoHook target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetNoHook();
        Hooking.expectNotHooked(TargetNoHook.METHOD);
    }

    @Benchmark
    public int noHook() {
        return target.compute(a, b);
    }
}
