package org.jftrace.bench;

import java.util.concurrent.CountDownLatch;
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
 * Row "perCpuMany" (issue 4): like {@link PerCpuRow}, but the ops is also enabled on a second
 * thread, which then stays parked. With two threads enabled at once the ops' hook sites use the
 * per-thread counter lookup instead of the one-thread compare: this row is what the PER_CPU check
 * costs then. Set-up proves with a counting PER_CPU probe, enabled on the same two threads, that a
 * callback runs on this thread and on the second one, and on no third thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerCpuManyRow extends Inputs {
    TargetPerCpuMany target;
    FtraceOps ops;
    Thread setupThread;
    Thread second;
    final CountDownLatch release = new CountDownLatch(1);

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        target = new TargetPerCpuMany();
        setupThread = Thread.currentThread();
        ops = FtraceOps.of(new EmptyFunc()).withName("perCpuMany").withFlags(FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
        FlagFuncs.ThreadProbe counter = new FlagFuncs.ThreadProbe();
        FtraceOps probe = FtraceOps.of(counter).withName("bench-percpu-many-probe")
                .withFlags(FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
        Hooking.register(ops, TargetPerCpuMany.METHOD);
        Hooking.register(probe, TargetPerCpuMany.METHOD);
        try {
            Ftrace.ftraceFunctionLocalEnable(ops);
            Ftrace.ftraceFunctionLocalEnable(probe);
            CountDownLatch enabled = new CountDownLatch(1);
            second = new Thread(() -> {
                Ftrace.ftraceFunctionLocalEnable(ops); // the second enabled thread: per-thread lookup from now on
                Ftrace.ftraceFunctionLocalEnable(probe);
                target.compute(a, b);
                enabled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-percpu-second");
            second.start();
            enabled.await();
            Hooking.check(counter.hits == 1 && counter.last == second, "perCpuMany: the second enabled thread's call ran the probe "
                    + counter.hits + " time(s), last on " + counter.last);
            target.compute(a, b);
            Hooking.check(counter.hits == 2 && counter.last == setupThread, "perCpuMany: this thread's call ran the probe "
                    + counter.hits + " time(s) in all, last on " + counter.last);
            Thread third = new Thread(() -> target.compute(a, b), "bench-percpu-third");
            third.start();
            third.join();
            Hooking.check(counter.hits == 2, "perCpuMany: a thread that never enabled ran the probe");
        } finally {
            Ftrace.unregisterFtraceFunction(probe);
        }
        Hooking.expectLine(TargetPerCpuMany.METHOD, 1, FtraceOps.Flag.PER_CPU, FtraceOps.Flag.RECURSION_SAFE);
    }

    @TearDown(Level.Iteration)
    public void sameThread() {
        Hooking.check(Thread.currentThread() == setupThread, "perCpuMany: the benchmark ran on " + Thread.currentThread()
                + ", but the local enable was made on " + setupThread);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        release.countDown();
        second.join();
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int perCpuMany() {
        return target.compute(a, b);
    }
}
