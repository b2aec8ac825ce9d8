package org.jftrace.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

import org.jftrace.FtraceOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "guardedVirtual": row guarded's call (one empty guarded callback on {@link Target#compute}),
 * made on a virtual thread. A virtual thread gives its guard slot back after each guarded call, so
 * each call claims one again: this row measures that. One operation is one call; an invocation
 * starts one virtual thread that makes {@value #CALLS} calls and joins it, so the thread's start
 * and join (some microseconds) add well under 0.1 ns per call.
 *
 * <p>JDK 17 has no virtual threads: there the same loop runs on a new platform thread per
 * invocation, which keeps its slot, so on JDK 17 the row is row guarded plus that small share of a
 * thread's start (read it as such, not as a virtual-thread figure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(GuardedVirtualRow.CALLS)
public class GuardedVirtualRow extends Inputs {
    static final int CALLS = 100_000;

    Target target;
    FtraceOps ops;
    /** {@code Thread.ofVirtual()::unstarted} on JDK 21+, else null (platform threads). */
    private MethodHandle unstarted;
    private int sink;

    private final Runnable loop = new Runnable() {
        @Override
        public void run() {
            int s = 0;
            for (int i = 0; i < CALLS; i++) {
                s += target.compute(a + i, b);
            }
            sink = s;
        }
    };

    @Setup(Level.Trial)
    public void setup() throws Throwable {
        target = new Target();
        unstarted = virtualThreads();
        ops = Hooking.emptyOps("guardedVirtual", false);
        Hooking.register(ops, Target.METHOD);
        Hooking.expectHooked(Target.METHOD, 1, false, () -> {
            try {
                runOnNewThread(() -> target.compute(a, b));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }, 1);
        if (unstarted != null) {
            Thread t = (Thread) unstarted.invoke((Runnable) () -> { });
            Hooking.check((boolean) Thread.class.getMethod("isVirtual").invoke(t), "not a virtual thread: " + t);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Hooking.unregisterQuietly(ops);
    }

    @Benchmark
    public int guardedVirtual() throws Throwable {
        runOnNewThread(loop);
        return sink;
    }

    private void runOnNewThread(Runnable r) throws Throwable {
        Thread t = unstarted != null ? (Thread) unstarted.invokeExact(r) : new Thread(r);
        t.start();
        t.join();
    }

    /** The bench compiles for Java 17: Thread.ofVirtual() through reflection, bound once. */
    private static MethodHandle virtualThreads() throws ReflectiveOperationException {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> api = Class.forName("java.lang.Thread$Builder"); // public; the builder's own class is not
        return MethodHandles.publicLookup().findVirtual(api, "unstarted", MethodType.methodType(Thread.class,
                Runnable.class)).bindTo(builder).asType(MethodType.methodType(Thread.class, Runnable.class));
    }
}
