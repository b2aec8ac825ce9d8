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

/**
 * Row "bootSafe": one empty RECURSION_SAFE callback on {@link BootTarget#METHOD}
 * (static-call hook kind).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BootSafeRow extends Inputs {
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        ops = Hooking.emptyOps("bootSafe", true);
        Hooking.register(ops, BootTarget.METHOD);
        // Other threads may call Integer.compare too: at least our one call must reach the probe.
        Hooking.expectHooked(BootTarget.METHOD, 1, true, () -> Integer.compare(a, b), 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int bootSafe() {
        return Integer.compare(a, b);
    }
}
