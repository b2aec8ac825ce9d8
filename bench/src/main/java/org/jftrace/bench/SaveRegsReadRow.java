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
 * Row "saveRegsRead" (issue 4): one SAVE_REGS|RECURSION_SAFE ops whose callback reads both
 * arguments ({@link FlagFuncs.ReadTwoArgs}). Set-up proves the callback runs and sees the arguments.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SaveRegsReadRow extends Inputs {
    TargetSaveRegsRead target;
    FlagFuncs.ReadTwoArgs func;
    FtraceOps ops;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetSaveRegsRead();
        func = new FlagFuncs.ReadTwoArgs();
        ops = FtraceOps.of(func).withName("saveRegsRead").withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
        Hooking.register(ops, TargetSaveRegsRead.METHOD);
        Hooking.expectLine(TargetSaveRegsRead.METHOD, 1, FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
        func.sink = 0;
        target.compute(a, b);
        Hooking.check(func.sink == a + b, "saveRegsRead: the callback did not read the arguments (" + a + ", " + b
                + "): sink = " + func.sink + ", expected " + (a + b) + "; callback errors " + Ftrace.callbackErrors(ops));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int saveRegsRead() {
        return target.compute(a, b);
    }
}
