package org.jftrace.bench;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.LivePatch;
import org.jftrace.bench.RowSpec.Fork;
import org.jftrace.bench.RowSpec.Section;

/**
 * The hook rows, measured by {@link HookRow} ({@code @Param variant}): each constant is one row of
 * the table, named after the constant in lower camel case ({@code THREE_OPS_GUARDED}:
 * {@code threeOpsGuarded}). A constant carries the row's section (its place and baseline in the
 * table), its targets ({@link Check}), and its set-up, which installs the hooks on
 * {@link Target#compute} and throws unless they really act. Adding a hook row: one constant here.
 *
 * <p>The host JVM of {@link RunBenchmarks} reads this enum without the jftrace API on its class
 * path, and the JVM verifies these constants' bodies when the enum initialises. A body may use
 * jftrace types, but must never pass a value of a bench class where a jftrace type is expected (the
 * verifier would load that type, and fail): build ops with {@link Hooking#ops} and
 * {@link Hooking#emptyOps}. {@code VariantTest} checks the enum loads without the API.
 */
public enum Variant {
    /** The baseline: the method never hooked (the agent is installed, no ops selects it). */
    NO_HOOK(Section.BASELINE) {
        @Override
        void setUp(HookRow s) {
            Hooking.expectNotHooked(Target.METHOD);
        }
    },

    /** One empty RECURSION_SAFE callback (no recursion guard). */
    SAFE(Section.HOOKS,
            Check.delta("noHook", 0.5, "one empty RECURSION_SAFE callback adds at most 0.5 ns over no hook"),
            Check.delta("limit", 0.5, "an empty jftrace callback is within 0.5 ns of the hand-written limit (issue 5)"),
            Check.delta("limitCheck", 0.5, "(informative) the same over the hand-written flag test at entry (limitCheck)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            emptyOps(s, 1, true);
        }
    },

    /** One empty callback with the default per-thread recursion guard. */
    GUARDED(Section.HOOKS,
            Check.delta("limitCheck", 0.5, "(informative) the recursion guard over the hand-written flag test at entry (limitCheck)"),
            Check.delta("safe", 3.0, "the default recursion guard adds at most 3 ns more than RECURSION_SAFE"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            emptyOps(s, 1, false);
        }
    },

    /** Three empty RECURSION_SAFE ops (three trampolines chained in one call site). */
    THREE_OPS_SAFE(Section.HOOKS,
            Check.delta("noHook", 3.0, "three (RECURSION_SAFE) ops add at most 3 ns over no hook"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            emptyOps(s, 3, true);
        }
    },

    /** Three empty ops with the default recursion guard (taken once for the chain). */
    THREE_OPS_GUARDED(Section.HOOKS,
            Check.delta("noHook", 3.0, "(informative) three guarded ops, same 3 ns bound"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            emptyOps(s, 3, false);
        }
    },

    /**
     * Hooked (a counting callback), run hot for 500 ms so that the JIT had the chance to compile the
     * method with its hook, then unregistered before measuring: it must cost as {@link #NO_HOOK},
     * since unregister gives the class its original bytecode back.
     */
    UNREGISTERED(Section.HOOKS,
            Check.sameCost("noHook", 1.05, "after unregister the method costs as never hooked"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            CountingFunc counter = new CountingFunc();
            FtraceOps ops = Hooking.ops(counter, "unregistered", Flag.RECURSION_SAFE);
            Hooking.register(ops, Target.METHOD);
            long calls = 0;
            int sink = 0;
            long start = System.nanoTime();
            try {
                do {
                    for (int i = 0; i < 10_000; i++) {
                        sink += s.target.compute(s.a + i, s.b);
                    }
                    calls += 10_000;
                } while (System.nanoTime() - start < HOT_NANOS);
            } finally {
                Ftrace.unregisterFtraceFunction(ops);
            }
            Hooking.check(counter.hits() == calls, "the hook on " + Target.METHOD + " ran its callback "
                    + counter.hits() + " times for " + calls + " calls while registered (sink " + sink + ")");
            s.call();
            Hooking.check(counter.hits() == calls, "the callback still ran after unregister: " + counter.hits()
                    + " hits for " + calls + " hooked calls");
            Hooking.expectNotHooked(Target.METHOD);
        }
    },

    /** An empty entry+exit ops (FgraphOps), RECURSION_SAFE: the entry returns 0, so every exit runs. */
    GRAPH_SAFE(Section.EXITS,
            Check.delta("limitExit", 0.5, "an empty entry+exit ops (RECURSION_SAFE) is within 0.5 ns of the hand-written "
                    + "entry+exit limit (issue 14)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            graphOps(s, GraphFuncs.empty(rowName(), true));
        }
    },

    /** The same with the default recursion guard (taken at entry and at exit). */
    GRAPH_GUARDED(Section.EXITS,
            Check.delta("limitExit", 3.0, "the recursion guard on an entry+exit ops adds at most 3 ns over the "
                    + "hand-written entry+exit limit (issue 14)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            graphOps(s, GraphFuncs.empty(rowName(), false));
        }
    },

    /** A timing pair (RECURSION_SAFE): System.nanoTime() from entry to exit, the difference added to a field. */
    GRAPH_TIMING(Section.EXITS,
            Check.delta("limitTiming", 2.0, "a timing pair passing System.nanoTime() from entry to exit costs at most "
                    + "2 ns over the same pair written by hand (issue 14)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            graphOps(s, GraphFuncs.timing(rowName()));
        }
    },

    /** The function tracer: one event (timestamp, thread, ip) per call into the ring buffer. */
    FUNCTION_TRACER(Section.TRACERS,
            Check.delta("limitClock", 8.0, "the function tracer costs at most one clock read + 8 ns (issue 15): "
                    + "functionTracer - limitClock"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.onTearDown(TracerRows.start("function", s)::run);
        }
    },

    /** The function tracer with trace_clock counter: one event per call stamped with a shared count, no clock read. */
    FUNCTION_COUNTER(Section.TRACERS,
            Check.delta("noHook", 8.0, "the function tracer with the counter clock costs at most 8 ns (issue 15): "
                    + "functionCounter - noHook"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.onTearDown(TracerRows.start("functionCounter", s)::run);
        }
    },

    /** The function tracer with nearest-traced parents: exit hooks keep the thread's innermost traced call. */
    FUNCTION_NEAREST(Section.TRACERS,
            Check.delta("limitClock", 12.0, "the function tracer with nearest-traced parents costs at most one clock "
                    + "read + 12 ns (issue 15): functionNearest - limitClock"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.onTearDown(TracerRows.start("functionNearest", s)::run);
        }
    },

    /** function_graph: an entry and an exit record per call, with their timestamps. */
    FUNCTION_GRAPH(Section.TRACERS,
            Check.delta("limitTiming", 10.0, "function_graph costs at most two clock reads + 10 ns (issue 15): "
                    + "functionGraph - limitTiming"),
            Check.ratio("jfrTrace", 1.0, "function_graph costs less than JFR's jdk.MethodTrace without stacks (issue 15)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.onTearDown(TracerRows.start("function_graph", s)::run);
        }
    },

    /** The function profiler: hits and time per function, two clock reads per call. */
    PROFILER(Section.TRACERS,
            Check.delta("limitTiming", 8.0, "the profiler costs at most two clock reads + 8 ns (issue 15): "
                    + "profiler - limitTiming"),
            Check.ratio("jfrTiming", 1.0, "the profiler costs less than JFR's jdk.MethodTiming (issue 15)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.onTearDown(TracerRows.start("profile", s)::run);
        }
    },

    /** SAVE_REGS|RECURSION_SAFE, the callback reads both arguments; set-up proves it sees them. */
    SAVE_REGS_READ(Section.SAVE_REGS,
            Check.delta("noHook", 2.0, "SAVE_REGS (with RECURSION_SAFE) reading two arguments adds at most 2 ns over no hook"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            FlagFuncs.ReadTwoArgs func = new FlagFuncs.ReadTwoArgs();
            s.hook(Hooking.ops(func, rowName(), Flag.SAVE_REGS, Flag.RECURSION_SAFE));
            Hooking.expectLine(Target.METHOD, 1, Flag.SAVE_REGS, Flag.RECURSION_SAFE);
            func.sink = 0;
            s.call();
            Hooking.check(func.sink == s.a + s.b, rowName() + ": the callback did not read the arguments (" + s.a + ", "
                    + s.b + "): sink = " + func.sink + ", expected " + (s.a + s.b) + "; " + s.callbackErrors());
        }
    },

    /** SAVE_REGS|RECURSION_SAFE, the callback rewrites argument 0 to a constant box; set-up proves the body sees it. */
    SAVE_REGS_SET_ARG(Section.SAVE_REGS, Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            int original = s.call();
            int expected = s.target.compute(FlagFuncs.SetArg0.VALUE, s.b);
            Hooking.check(original != expected, rowName() + ": pick another rewrite value");
            s.hook(Hooking.ops(new FlagFuncs.SetArg0(), rowName(), Flag.SAVE_REGS, Flag.RECURSION_SAFE));
            Hooking.expectLine(Target.METHOD, 1, Flag.SAVE_REGS, Flag.RECURSION_SAFE);
            int got = s.call();
            Hooking.check(got == expected, rowName() + ": the rewrite of argument 0 did not reach the body: got " + got
                    + ", expected " + expected + " (unhooked " + original + "); " + s.callbackErrors());
        }
    },

    /**
     * IPMODIFY|SAVE_REGS|RECURSION_SAFE: a general callback redirects every call to the static
     * {@link IpReplacement#compute} (receiver first) with {@code setIp}; compare with row ipDirect.
     */
    IP_MODIFY(Section.REDIRECT,
            Check.ratio("ipDirect", 1.5, "IPMODIFY redirect by a general callback (setIp per call) costs at most 1.5x"
                    + " the direct call of the replacement"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            Hooking.requireAgent();
            IpReplacement.checkRedirect(rowName(), s.target, s.a, s.b, () -> {
                long ip = Ftrace.lookupIp(IpReplacement.METHOD); // once the check has loaded its class
                s.hook(Hooking.ops(new FlagFuncs.Redirect(ip), rowName(), Flag.IPMODIFY, Flag.SAVE_REGS,
                        Flag.RECURSION_SAFE));
                Hooking.expectLine(Target.METHOD, 1, Flag.IPMODIFY, Flag.SAVE_REGS);
            }, s::callbackErrors);
        }
    },

    /**
     * The same redirect made by {@link LivePatch#replace}: an IPMODIFY ops whose callback is a
     * {@code RedirectFunc}, which jftrace links straight to the replacement; set-up also requires
     * enabled_functions to show the direct link.
     */
    LIVE_PATCH(Section.REDIRECT,
            Check.ratio("ipDirect", 1.5, "IPMODIFY redirect to one replacement (RedirectFunc, as LivePatch makes it)"
                    + " costs at most 1.5x the direct call of the replacement"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            Hooking.requireAgent();
            IpReplacement.checkRedirect(rowName(), s.target, s.a, s.b, () -> {
                LivePatch patch = LivePatch.replace(Target.METHOD, IpReplacement.METHOD);
                s.onTearDown(() -> {
                    if (Ftrace.isInstalled()) {
                        patch.undo();
                    }
                });
                String line = String.valueOf(Hooking.enabled(Target.METHOD));
                Hooking.check(line.contains("direct-->" + IpReplacement.METHOD), rowName() + ": " + Target.METHOD
                        + " is not linked directly to the replacement; enabled_functions says: " + line);
            }, () -> "enabled_functions: " + Hooking.enabled(Target.METHOD));
        }
    },

    /**
     * One empty PER_CPU|RECURSION_SAFE ops, enabled on the benchmark thread only (the set-up's
     * thread). Set-up proves with a counting PER_CPU probe that a PER_CPU callback stays off until
     * the local enable and then runs on this thread.
     */
    PER_CPU(Section.PER_CPU,
            Check.delta("safe", 1.0, "the PER_CPU check (PER_CPU|RECURSION_SAFE) adds at most 1 ns over the empty"
                    + " RECURSION_SAFE row"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) {
            s.pinThread();
            FtraceOps ops = s.hook(Hooking.ops(new EmptyFunc(), rowName(), Flag.PER_CPU, Flag.RECURSION_SAFE));
            Ftrace.ftraceFunctionLocalEnable(ops);
            Hooking.expectLine(Target.METHOD, 1, Flag.PER_CPU, Flag.RECURSION_SAFE);

            FlagFuncs.ThreadProbe counter = new FlagFuncs.ThreadProbe();
            FtraceOps probe = Hooking.ops(counter, "bench-percpu-probe", Flag.PER_CPU, Flag.RECURSION_SAFE);
            Hooking.register(probe, Target.METHOD);
            try {
                Hooking.expectLine(Target.METHOD, 2, Flag.PER_CPU);
                s.call();
                Hooking.check(counter.hits == 0, rowName() + ": a PER_CPU probe ran before its local enable ("
                        + counter.hits + " hits)");
                Ftrace.ftraceFunctionLocalEnable(probe);
                s.call();
                Hooking.check(counter.hits == 1 && counter.last == s.pinned, rowName() + ": after the local enable the"
                        + " probe ran " + counter.hits + " time(s), last on " + counter.last + ", expected once on " + s.pinned);
            } finally {
                Ftrace.unregisterFtraceFunction(probe);
            }
            Hooking.expectLine(Target.METHOD, 1, Flag.PER_CPU, Flag.RECURSION_SAFE);
        }
    },

    /**
     * Like {@link #PER_CPU}, also enabled on a second thread, which then stays parked: with two
     * threads enabled the hook sites use the per-thread counter lookup instead of the one-thread
     * compare. Set-up proves with a counting PER_CPU probe, enabled on the same two threads, that a
     * callback runs on this thread and on the second one, and on no third thread.
     */
    PER_CPU_MANY(Section.PER_CPU,
            Check.delta("safe", 1.0, "(informative) the same with two threads enabled (per-thread counter lookup)"),
            Check.ZERO_ALLOC) {
        @Override
        void setUp(HookRow s) throws InterruptedException {
            s.pinThread();
            FtraceOps ops = s.hook(Hooking.ops(new EmptyFunc(), rowName(), Flag.PER_CPU, Flag.RECURSION_SAFE));
            FlagFuncs.ThreadProbe counter = new FlagFuncs.ThreadProbe();
            FtraceOps probe = Hooking.ops(counter, "bench-percpu-many-probe", Flag.PER_CPU, Flag.RECURSION_SAFE);
            Hooking.register(probe, Target.METHOD);
            try {
                Ftrace.ftraceFunctionLocalEnable(ops);
                Ftrace.ftraceFunctionLocalEnable(probe);
                CountDownLatch enabled = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Thread second = new Thread(() -> {
                    Ftrace.ftraceFunctionLocalEnable(ops); // the second enabled thread: per-thread lookup from now on
                    Ftrace.ftraceFunctionLocalEnable(probe);
                    s.target.compute(s.a, s.b);
                    enabled.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "bench-percpu-second");
                s.onTearDown(() -> {
                    release.countDown();
                    second.join();
                });
                second.start();
                enabled.await();
                Hooking.check(counter.hits == 1 && counter.last == second, rowName() + ": the second enabled thread's call"
                        + " ran the probe " + counter.hits + " time(s), last on " + counter.last);
                s.call();
                Hooking.check(counter.hits == 2 && counter.last == s.pinned, rowName() + ": this thread's call ran the probe "
                        + counter.hits + " time(s) in all, last on " + counter.last);
                Thread third = new Thread(() -> s.target.compute(s.a, s.b), "bench-percpu-third");
                third.start();
                third.join();
                Hooking.check(counter.hits == 2, rowName() + ": a thread that never enabled ran the probe");
            } finally {
                Ftrace.unregisterFtraceFunction(probe);
            }
            Hooking.expectLine(Target.METHOD, 1, Flag.PER_CPU, Flag.RECURSION_SAFE);
        }
    };

    /** How long {@link #UNREGISTERED} runs the method hooked before the unregister. */
    private static final long HOT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    final Section section;
    private final List<Check> checks;

    Variant(Section section, Check... checks) {
        this.section = section;
        this.checks = List.of(checks);
    }

    /**
     * Installs the row's hooks on {@code s.target} (already loaded) and throws unless they act as
     * intended; registers with {@link HookRow#hook} and {@link HookRow#onTearDown} what the trial
     * tear-down must undo.
     */
    abstract void setUp(HookRow s) throws Exception;

    /** {@return the row's name in the tables: the constant's name in lower camel case} */
    public String rowName() {
        return RowSpec.camel(name());
    }

    RowSpec spec() {
        return new RowSpec(rowName(), section, Fork.AGENT, HookRow.class.getName() + "." + HookRow.BENCHMARK, name(), checks);
    }

    /**
     * {@code count} ops with an {@link EmptyFunc}, RECURSION_SAFE if {@code safe}; then checks that
     * enabled_functions lists them and that the method's hook site fires (a temporary counting probe).
     */
    /** Hooks {@code graph} (an FgraphOps made by {@link GraphFuncs}) and proves its exits run. */
    static void graphOps(HookRow s, Object graph) {
        s.hook(GraphFuncs.opsOf(graph));
        Hooking.expectLine(Target.METHOD, 1);
        long before = GraphFuncs.exits(graph);
        s.call();
        Hooking.check(GraphFuncs.exits(graph) == before + 1, s.variant.rowName() + ": the exit handler did not run once"
                + " per call (" + before + " -> " + GraphFuncs.exits(graph) + "); " + s.callbackErrors());
    }

    static void emptyOps(HookRow s, int count, boolean safe) {
        Variant v = s.variant;
        for (int i = 0; i < count; i++) {
            s.hook(Hooking.emptyOps(count == 1 ? v.rowName() : v.rowName() + "-" + i, safe));
        }
        Hooking.expectHooked(Target.METHOD, count, safe, s::call, 1);
    }
}
