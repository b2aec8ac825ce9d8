package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row "unregistered": the method was hooked, ran hot while hooked (so the JIT had the chance to
 * compile it with its hook), then the ops was unregistered before measuring. It must cost the same
 * as {@link NoHookRow}: unregister gives the class its original bytecode back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UnregisteredRow extends Inputs {
    /** How long the method runs hooked before the unregister. */
    private static final long HOT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    TargetUnregistered target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetUnregistered(); // loads the class first: a filter must match a loaded class
        CountingFunc counter = new CountingFunc();
        FtraceOps ops = FtraceOps.of(counter).withFlags(FtraceOps.Flag.RECURSION_SAFE).withName("unregistered");
        Hooking.register(ops, TargetUnregistered.METHOD);
        long calls = 0;
        int sink = 0;
        long start = System.nanoTime();
        try {
            do {
                for (int i = 0; i < 10_000; i++) {
                    sink += target.compute(a + i, b);
                }
                calls += 10_000;
            } while (System.nanoTime() - start < HOT_NANOS);
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        if (counter.hits() != calls) {
            throw new IllegalStateException("the hook on " + TargetUnregistered.METHOD + " ran its callback "
                    + counter.hits() + " times for " + calls + " calls while registered (sink " + sink + ")");
        }
        target.compute(a, b);
        if (counter.hits() != calls) {
            throw new IllegalStateException("the callback still ran after unregister: " + counter.hits()
                    + " hits for " + calls + " hooked calls");
        }
        Hooking.expectNotHooked(TargetUnregistered.METHOD);
    }

    @Benchmark
    public int unregistered() {
        return target.compute(a, b);
    }
}
