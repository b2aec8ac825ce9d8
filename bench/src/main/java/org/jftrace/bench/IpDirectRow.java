package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "ipDirect" (issue 4): the limit of row ipModify, a direct call of the static replacement
 * {@link IpReplacement#compute} with the receiver first: one real (non-inlined) call whose body is
 * the replacement, as the traced method's body becomes the replacement in row ipModify. Nothing hooked.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IpDirectRow extends Inputs {
    TargetIpModify target;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetIpModify();
        Hooking.expectNotHooked(TargetIpModify.METHOD);
        Hooking.expectNotHooked(IpReplacement.METHOD);
    }

    @Benchmark
    public int ipDirect() {
        return callReplacement(target, a, b);
    }

    /** The one real call of this row: the replacement may be inlined into it, not into the benchmark loop. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static int callReplacement(TargetIpModify self, int a, int b) {
        return IpReplacement.compute(self, a, b);
    }
}
