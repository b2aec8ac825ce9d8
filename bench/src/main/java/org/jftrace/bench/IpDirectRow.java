package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row "ipDirect": the limit of rows ipModify and livePatch, a direct call of the static replacement
 * {@link IpReplacement#compute} with the receiver first: one real (non-inlined) call whose body is
 * the replacement, as the traced method's body becomes the replacement in row ipModify. Nothing hooked.
 * A class of its own because the measured call is not {@link Target#compute} but the replacement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IpDirectRow extends Inputs {
    Target target;

    @Setup(Level.Trial)
    public void setup() {
        target = new Target();
        Hooking.expectNotHooked(Target.METHOD);
        Hooking.expectNotHooked(IpReplacement.METHOD);
    }

    @Benchmark
    public int ipDirect() {
        return callReplacement(target, a, b);
    }

    /** The one real call of this row: the replacement may be inlined into it, not into the benchmark loop. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static int callReplacement(Target self, int a, int b) {
        return IpReplacement.compute(self, a, b);
    }
}
