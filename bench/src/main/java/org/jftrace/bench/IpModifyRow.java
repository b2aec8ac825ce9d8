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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "ipModify" (issue 4): one IPMODIFY|SAVE_REGS|RECURSION_SAFE ops redirects every call of the
 * instance method {@link TargetIpModify#compute} to the static {@link IpReplacement#compute} (receiver
 * first). Compare with row ipDirect, which calls the replacement itself. Set-up proves the replacement's
 * result comes back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IpModifyRow extends Inputs {
    TargetIpModify target;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        Hooking.requireAgent();
        target = new TargetIpModify();
        IpReplacement.checkRedirect("ipModify", target, a, b, () -> {
            long ip = Ftrace.lookupIp(IpReplacement.METHOD); // once the check above has loaded its class
            ops = FtraceOps.of(new FlagFuncs.Redirect(ip)).withName("ipModify")
                    .withFlags(FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
            Hooking.register(ops, TargetIpModify.METHOD);
            Hooking.expectLine(TargetIpModify.METHOD, 1, FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.SAVE_REGS);
        }, () -> "callback errors " + Ftrace.callbackErrors(ops));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int ipModify() {
        return target.compute(a, b);
    }
}
