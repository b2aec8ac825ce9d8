package org.jftrace.bench;

import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.LivePatch;
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
 * Row "livePatch" (issue 4): the same redirect as row ipModify ({@link TargetIpModify#compute} to
 * {@link IpReplacement#compute}, receiver first) made by {@link LivePatch#replace}: an IPMODIFY ops
 * whose callback is a {@code RedirectFunc}, which jftrace links straight to the replacement. Compare
 * with row ipDirect. Set-up proves the replacement's result comes back and that enabled_functions
 * shows the direct link.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LivePatchRow extends Inputs {
    TargetIpModify target;
    LivePatch patch;

    @Setup(Level.Trial)
    public void setup() {
        Hooking.requireAgent();
        target = new TargetIpModify();
        IpReplacement.checkRedirect("livePatch", target, a, b, () -> {
            patch = LivePatch.replace(TargetIpModify.METHOD, IpReplacement.METHOD);
            String line = String.valueOf(Hooking.enabled(TargetIpModify.METHOD));
            Hooking.check(line.contains("direct-->" + IpReplacement.METHOD), "livePatch: " + TargetIpModify.METHOD
                    + " is not linked directly to the replacement; enabled_functions says: " + line);
        }, () -> "enabled_functions: " + Hooking.enabled(TargetIpModify.METHOD));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (patch != null && Ftrace.isInstalled()) {
            patch.undo();
        }
    }

    @Benchmark
    public int livePatch() {
        return target.compute(a, b);
    }
}
