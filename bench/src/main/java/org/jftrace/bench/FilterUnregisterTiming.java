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
 * One shot = {@code unregisterFtraceFunction(ops)} of an ops whose filter selects every method of
 * 1,000 loaded classes ({@link GeneratedClasses}, 5,000 methods): relinking, retransforming the
 * classes back to their original bytecode and the grace period. The set-up (not timed) loads a
 * fresh generation, registers the ops and checks the 5,000 hooks; the tear-down checks none is left.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FilterUnregisterTiming {
    GeneratedClasses gen;
    FtraceOps ops;

    @Setup(Level.Iteration)
    public void setup() {
        Hooking.requireAgent();
        gen = null; // the previous generation becomes unreachable: load() lets the GC unload it
        ops = null;
        gen = GeneratedClasses.load();
        ops = Hooking.emptyOps("unregister-timing", true);
        Ftrace.ftraceSetFilter(ops, gen.pattern(), true);
        Ftrace.registerFtraceFunction(ops);
        int expected = GeneratedClasses.CLASSES * (GeneratedClasses.METHODS + 1);
        int hooked = gen.hooked();
        if (hooked != expected) {
            Hooking.unregisterQuietly(ops);
            throw new IllegalStateException("enabled_functions lists " + hooked + " methods of " + gen.pattern()
                    + " after register, expected " + expected);
        }
    }

    @Benchmark
    public void unregister1000Classes() {
        Ftrace.unregisterFtraceFunction(ops);
    }

    @TearDown(Level.Iteration)
    public void check() {
        Hooking.unregisterQuietly(ops);
        int hooked = gen.hooked();
        if (hooked != 0) {
            throw new IllegalStateException(hooked + " methods of " + gen.pattern() + " still carry a hook after unregister");
        }
    }
}
