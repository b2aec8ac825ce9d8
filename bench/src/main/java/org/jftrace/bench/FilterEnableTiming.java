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
 * One shot = {@code ftraceSetFilter(ops, "org.jftrace.bench.gen.gN.*", true)} +
 * {@code registerFtraceFunction(ops)} on a fresh generation of 1,000 loaded classes
 * ({@link GeneratedClasses}, 5,000 methods), i.e. the first filter that ever names them: the time
 * includes reading and scanning their class files, relinking 5,000 hook sites and retransforming
 * 1,000 classes. Class generation and loading are set-up, not timed. The tear-down checks that
 * every method of the generation carries the hook and that a call runs the callback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FilterEnableTiming {
    GeneratedClasses gen;
    CountingFunc counter;
    FtraceOps ops;

    @Setup(Level.Iteration)
    public void setup() {
        Hooking.requireAgent();
        gen = null; // the previous generation becomes unreachable: load() lets the GC unload it
        ops = null;
        gen = GeneratedClasses.load();
        counter = new CountingFunc();
        ops = FtraceOps.of(counter).withFlags(FtraceOps.Flag.RECURSION_SAFE).withName("filter-timing");
    }

    @Benchmark
    public void enable1000Classes() {
        Ftrace.ftraceSetFilter(ops, gen.pattern(), true);
        Ftrace.registerFtraceFunction(ops);
    }

    @TearDown(Level.Iteration)
    public void check() {
        try {
            int expected = GeneratedClasses.CLASSES * (GeneratedClasses.METHODS + 1);
            int hooked = gen.hooked();
            if (hooked != expected) {
                throw new IllegalStateException("enabled_functions lists " + hooked + " methods of "
                        + gen.pattern() + ", expected " + expected + " (available: " + gen.available() + ")");
            }
            gen.callOne();
            if (counter.hits() != 2) { // the constructor and m0
                throw new IllegalStateException("a call of a generated method ran the callback " + counter.hits()
                        + " times, expected 2 (constructor + m0)");
            }
        } finally {
            Hooking.unregisterQuietly(ops);
        }
    }
}
