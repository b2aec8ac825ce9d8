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
 * Row "saveRegsSetArg" (issue 4): one SAVE_REGS|RECURSION_SAFE ops whose callback rewrites
 * argument 0 to a constant box ({@link FlagFuncs.SetArg0}). Set-up proves the body sees the new value.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SaveRegsSetArgRow extends Inputs {
    TargetSaveRegsSetArg target;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetSaveRegsSetArg();
        int original = target.compute(a, b);
        int expected = target.compute(FlagFuncs.SetArg0.VALUE, b);
        Hooking.check(original != expected, "saveRegsSetArg: pick another rewrite value");
        ops = FtraceOps.of(new FlagFuncs.SetArg0()).withName("saveRegsSetArg")
                .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
        Hooking.register(ops, TargetSaveRegsSetArg.METHOD);
        Hooking.expectLine(TargetSaveRegsSetArg.METHOD, 1, FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
        int got = target.compute(a, b);
        Hooking.check(got == expected, "saveRegsSetArg: the rewrite of argument 0 did not reach the body: got " + got
                + ", expected " + expected + " (unhooked " + original + "); callback errors " + Ftrace.callbackErrors(ops));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int saveRegsSetArg() {
        return target.compute(a, b);
    }
}
