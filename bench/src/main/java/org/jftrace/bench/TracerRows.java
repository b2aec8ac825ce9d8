package org.jftrace.bench;

import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.function.ParentMode;
import org.jftrace.tracers.graph.GraphTracer;
import org.jftrace.tracers.profile.FunctionProfiler;
import org.jftrace.tracers.ring.TraceClock;

/**
 * The tracer rows of the per-call table: a tracer started on {@link Target#compute}, proved to record
 * the calls, stopped at tear-down. Typed as Object and Runnable where {@link Variant} sees them, so
 * that the host JVM verifies Variant without the jftrace API (see there).
 */
final class TracerRows {
    private TracerRows() {
    }

    /** Starts {@code tracer} (function, function_graph or profile) on {@link Target#METHOD}; {@return its stop} */
    static Runnable start(String tracer, HookRow s) {
        Hooking.requireAgent();
        switch (tracer) {
            case "function" -> {
                FunctionTracer t = FunctionTracer.builder().filter(Target.METHOD).build();
                t.start();
                long before = t.ring().snapshot().total().written();
                s.call();
                long after = t.ring().snapshot().total().written();
                Hooking.check(after == before + 1, "function: one call wrote " + (after - before) + " events");
                return t::stop;
            }
            case "functionCounter" -> {
                FunctionTracer t = FunctionTracer.builder().filter(Target.METHOD).clock(TraceClock.COUNTER).build();
                t.start();
                long before = t.ring().snapshot().total().written();
                s.call();
                long after = t.ring().snapshot().total().written();
                Hooking.check(after == before + 1 && t.traceClock() == TraceClock.COUNTER,
                        "functionCounter: one call wrote " + (after - before) + " events");
                return t::stop;
            }
            case "functionNearest" -> {
                FunctionTracer t = FunctionTracer.builder().filter(Target.METHOD).parents(ParentMode.NEAREST).build();
                t.start();
                long before = t.ring().snapshot().total().written();
                s.call();
                long after = t.ring().snapshot().total().written();
                Hooking.check(after == before + 1, "functionNearest: one call wrote " + (after - before) + " events");
                return t::stop;
            }
            case "function_graph" -> {
                GraphTracer t = GraphTracer.builder().filter(Target.METHOD).build();
                t.start();
                long before = t.ring().snapshot().total().written();
                s.call();
                long after = t.ring().snapshot().total().written();
                Hooking.check(after == before + 2, "function_graph: one call wrote " + (after - before)
                        + " records, not an entry and an exit");
                return t::stop;
            }
            case "profile" -> {
                FunctionProfiler p = FunctionProfiler.builder().filter(Target.METHOD).build();
                p.setEnabled(true);
                s.call();
                Hooking.check(!p.stat().isEmpty() && p.stat().get(0).hits() >= 1, "profile: the call was not counted");
                return () -> p.setEnabled(false);
            }
            default -> throw new IllegalArgumentException(tracer);
        }
    }
}
