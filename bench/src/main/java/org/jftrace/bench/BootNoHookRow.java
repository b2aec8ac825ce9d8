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

/** Row "bootNoHook": the baseline of the boot-class rows, {@link BootTarget#METHOD} never hooked. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BootNoHookRow extends Inputs {
    @Setup(Level.Trial)
    public void setup() {
        Hooking.expectNotHooked(BootTarget.METHOD);
    }

    @Benchmark
    public int bootNoHook() {
        return Integer.compare(a, b);
    }
}
