package org.jftrace.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hook rows: one call of {@link Target#compute} per operation, with the hooks of one
 * {@link Variant} in place (JMH runs each variant in forks of its own). The variant's set-up installs
 * them and throws unless they really act, which fails the row; the trial tear-down undoes what the
 * set-up did, newest first.
 *
 * <p>Thread-scoped, so that the trial set-up runs on the thread that then runs the benchmark (the
 * PER_CPU variants enable their ops on it); with one benchmark thread the measured loop is the same
 * as for a benchmark-scoped state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HookRow extends Inputs {
    /** The benchmark method's name, as JMH's results spell it (the row name is the variant's). */
    static final String BENCHMARK = "call";

    /** No values given: JMH runs every constant. */
    @Param
    public Variant variant;

    Target target;
    /** The measured ops, in registration order. */
    final List<FtraceOps> ops = new ArrayList<>();
    /** Set by {@link #pinThread()}: the benchmark must run on this thread. */
    Thread pinned;
    private final Deque<Undo> undo = new ArrayDeque<>();

    /** A tear-down step. */
    @FunctionalInterface
    interface Undo {
        void run() throws Exception;
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        target = new Target(); // loads the class first: a filter must match a method of a loaded class
        variant.setUp(this);
    }

    @TearDown(Level.Iteration)
    public void sameThread() {
        Hooking.check(pinned == null || Thread.currentThread() == pinned, variant.rowName() + ": the benchmark ran on "
                + Thread.currentThread() + ", but the local enable was made on " + pinned);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }

    @Benchmark
    public int call() {
        return target.compute(a, b);
    }

    /** Sets {@code o}'s filter to exactly {@link Target#METHOD}, registers it, and unregisters it at tear-down. */
    FtraceOps hook(FtraceOps o) {
        ops.add(o);
        onTearDown(() -> Hooking.unregisterQuietly(o));
        Hooking.register(o, Target.METHOD);
        return o;
    }

    /** Runs {@code step} at tear-down, before the steps added earlier. */
    void onTearDown(Undo step) {
        undo.push(step);
    }

    /** The benchmark must run on this thread (checked after every iteration). */
    void pinThread() {
        pinned = Thread.currentThread();
    }

    /** {@return the callback error counts of the measured ops, for a failure's message} */
    String callbackErrors() {
        List<Long> counts = new ArrayList<>();
        for (FtraceOps o : ops) {
            counts.add(Ftrace.callbackErrors(o));
        }
        return "callback errors " + (counts.size() == 1 ? counts.get(0) : counts);
    }
}
