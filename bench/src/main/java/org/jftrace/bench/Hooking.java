package org.jftrace.bench;

import java.util.ArrayList;
import java.util.List;

import org.jftrace.EnabledFunction;
import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;

/**
 * Set-up helpers of the rows: build ops, register them, and check that a hook is (or is not)
 * really active. A row whose hook did not apply throws from its {@code @Setup}, which fails the run.
 */
public final class Hooking {
    private Hooking() {
    }

    /** Throws unless the fork was started with the jftrace agent. */
    public static void requireAgent() {
        if (!Ftrace.isInstalled()) {
            throw new IllegalStateException("the jftrace agent is not installed in this benchmark JVM: run the "
                    + "benchmarks through org.jftrace.bench.RunBenchmarks (or bench/run.sh), which forks with "
                    + "-javaagent:agent/target/jftrace-agent.jar");
        }
    }

    /** {@return a new ops with an {@link EmptyFunc}; RECURSION_SAFE if {@code safe}, else the default guard} */
    public static FtraceOps emptyOps(String name, boolean safe) {
        FtraceOps ops = FtraceOps.of(new EmptyFunc()).withName(name);
        return safe ? ops.withFlags(FtraceOps.Flag.RECURSION_SAFE) : ops;
    }

    /**
     * {@return a new ops of {@code func}, an {@link FtraceFunc}, named {@code name}, with exactly
     * {@code flags}} The parameter is an Object so that {@link Variant}'s bodies, which the host JVM
     * verifies without the jftrace API, never pass a bench class where a jftrace type is expected.
     */
    public static FtraceOps ops(Object func, String name, FtraceOps.Flag... flags) {
        return FtraceOps.of((FtraceFunc) func).withName(name).withFlags(flags);
    }

    /** Sets {@code ops}' filter to exactly {@code method} and registers it. */
    public static void register(FtraceOps ops, String method) {
        requireAgent();
        Ftrace.ftraceSetFilter(ops, method, true);
        Ftrace.registerFtraceFunction(ops);
    }

    /** Unregisters {@code ops} if it is registered (tear-down after a failed set-up too). */
    public static void unregisterQuietly(FtraceOps ops) {
        if (ops != null && Ftrace.isInstalled() && Ftrace.isRegistered(ops)) {
            Ftrace.unregisterFtraceFunction(ops);
        }
    }

    /** {@return the enabled_functions line of {@code method} (name with parameter list), or null} */
    public static EnabledFunction enabled(String method) {
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            if (e.function().signature().equals(method)) {
                return e;
            }
        }
        return null;
    }

    /** Throws unless no hook is on {@code method}. */
    public static void expectNotHooked(String method) {
        requireAgent();
        EnabledFunction e = enabled(method);
        if (e != null) {
            throw new IllegalStateException(method + " should carry no hook, but enabled_functions says: " + e);
        }
    }

    /**
     * Checks that {@code method} carries exactly {@code opsCount} ops, with RECURSION_SAFE in their
     * flags iff {@code safe}, and that its hook site really fires: a temporary counting probe ops
     * (same flags) is registered on it, {@code call} must run the probe's callback at least
     * {@code minHits} times, and the probe is unregistered again. The measured ops stay empty.
     */
    public static void expectHooked(String method, int opsCount, boolean safe, Runnable call, long minHits) {
        requireAgent();
        checkLine(method, opsCount, safe, "after register");
        CountingFunc counter = new CountingFunc();
        FtraceOps probe = FtraceOps.of(counter).withName("bench-probe");
        if (safe) {
            probe = probe.withFlags(FtraceOps.Flag.RECURSION_SAFE);
        }
        register(probe, method);
        try {
            checkLine(method, opsCount + 1, safe, "with the probe");
            call.run();
        } finally {
            Ftrace.unregisterFtraceFunction(probe);
        }
        if (counter.hits() < minHits) {
            throw new IllegalStateException("the hook on " + method + " did not fire: the probe callback ran "
                    + counter.hits() + " time(s) for a call, expected at least " + minHits);
        }
        checkLine(method, opsCount, safe, "after the probe left");
    }

    private static void checkLine(String method, int opsCount, boolean safe, String when) {
        EnabledFunction e = enabled(method);
        if (e == null) {
            throw new IllegalStateException(method + " carries no hook " + when + "; enabled_functions: "
                    + summary());
        }
        if (e.opsCount() != opsCount || e.flags().contains(FtraceOps.Flag.RECURSION_SAFE) != safe) {
            throw new IllegalStateException(method + " " + when + ": expected " + opsCount + " ops"
                    + (safe ? " with RECURSION_SAFE" : " without RECURSION_SAFE") + ", enabled_functions says " + e);
        }
    }

    private static String summary() {
        List<String> lines = new ArrayList<>();
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            lines.add(e.toString());
            if (lines.size() == 20) {
                lines.add("...");
                break;
            }
        }
        return lines.toString();
    }

    /**
     * Throws unless {@code method} carries exactly {@code opsCount} ops and enabled_functions shows
     * every flag of {@code flags} on it (flag rows: their set-ups prove the hook fires by its effect).
     */
    public static void expectLine(String method, int opsCount, FtraceOps.Flag... flags) {
        requireAgent();
        EnabledFunction e = enabled(method);
        if (e == null) {
            throw new IllegalStateException(method + " carries no hook; enabled_functions: " + summary());
        }
        if (e.opsCount() != opsCount || !e.flags().containsAll(java.util.Arrays.asList(flags))) {
            throw new IllegalStateException(method + ": expected " + opsCount + " ops with flags "
                    + java.util.Arrays.toString(flags) + ", enabled_functions says " + e);
        }
    }

    /** Throws {@code what} unless {@code ok}. */
    public static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
