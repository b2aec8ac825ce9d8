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
 * Row "perCpu" (issue 4): one empty PER_CPU|RECURSION_SAFE ops (compare with row safe: the per-thread
 * enable check alone), enabled with {@code ftraceFunctionLocalEnable} in this thread-scoped state's
 * trial set-up, which JMH runs on the thread that then runs the benchmark. Set-up proves, with a
 * counting PER_CPU probe on the same method, that a PER_CPU callback stays off until the local enable
 * and then runs on this thread; every iteration's tear-down checks it still runs on the set-up's thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerCpuRow extends Inputs {
    TargetPerCpu target;
    FtraceOps ops;
    Thread setupThread;

    @Setup(Level.Trial)
    public void setup() {
        target = new TargetPerCpu();
        setupThread = Thread.currentThread();
        ops = FtraceOps.of(new EmptyFunc()).withName("perCpu").withFlags(FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
        Hooking.register(ops, TargetPerCpu.METHOD);
        Ftrace.ftraceFunctionLocalEnable(ops);
        Hooking.expectLine(TargetPerCpu.METHOD, 1, FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);

        FlagFuncs.ThreadProbe counter = new FlagFuncs.ThreadProbe();
        FtraceOps probe = FtraceOps.of(counter).withName("bench-percpu-probe")
                .withFlags(FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
        Hooking.register(probe, TargetPerCpu.METHOD);
        try {
            Hooking.expectLine(TargetPerCpu.METHOD, 2, FtraceOps.Flag.PER_CPU);
            target.compute(a, b);
            Hooking.check(counter.hits == 0, "perCpu: a PER_CPU probe ran before its local enable (" + counter.hits + " hits)");
            Ftrace.ftraceFunctionLocalEnable(probe);
            target.compute(a, b);
            Hooking.check(counter.hits == 1 && counter.last == setupThread, "perCpu: after the local enable the probe ran "
                    + counter.hits + " time(s), last on " + counter.last + ", expected once on " + setupThread);
        } finally {
            Ftrace.unregisterFtraceFunction(probe);
        }
        Hooking.expectLine(TargetPerCpu.METHOD, 1, FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
    }

    @TearDown(Level.Iteration)
    public void sameThread() {
        Hooking.check(Thread.currentThread() == setupThread, "perCpu: the benchmark ran on " + Thread.currentThread()
                + ", but the local enable was made on " + setupThread);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int perCpu() {
        return target.compute(a, b);
    }
}
