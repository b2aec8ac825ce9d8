package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jftrace.EnabledFunction;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 1 (enabled_functions): exactly the hooked methods, with the number of ops and their flags; none after unregister. */
class EnabledFunctionsTest {

    static final class Target {
        static int alpha(int x) {
            return x + 1;
        }

        static int beta() {
            return 2;
        }

        static int gamma() {
            return 3;
        }
    }

    static final String CLASS = "org.jftrace.it.ops.EnabledFunctionsTest$Target";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.alpha(0);
        Target.beta();
        Target.gamma();
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    /** {@return the enabled_functions lines of Target, by signature} */
    private static Map<String, EnabledFunction> enabledOfTarget() {
        Map<String, EnabledFunction> out = new TreeMap<>();
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            if (e.function().className().equals(CLASS)) {
                out.put(e.function().signature(), e);
            }
        }
        return out;
    }

    @Test
    // enabledFunctions lists exactly the hooked methods with the ops count and union of flags, and none of them after unregister
    void enabledFunctionsTracksHookedMethodsAndOpsCount() {
        assertEquals(Map.of(), enabledOfTarget(), "nothing hooked before register");
        FtraceOps one = FtraceOps.of((ip, parentIp, op, regs) -> { }).withName("ef-one");
        java.util.concurrent.atomic.AtomicInteger twoCalls = new java.util.concurrent.atomic.AtomicInteger();
        FtraceOps two = FtraceOps.of((ip, parentIp, op, regs) -> twoCalls.incrementAndGet()).withName("ef-two")
                .withFlags(FtraceOps.Flag.RECURSION_SAFE);
        cleanup.add(one);
        cleanup.add(two);
        Ftrace.ftraceSetFilter(one, CLASS + ".alpha", false);
        Ftrace.ftraceSetFilter(one, CLASS + ".beta", false);
        Ftrace.ftraceSetFilter(two, CLASS + ".alpha", false);

        Ftrace.registerFtraceFunction(one);
        Map<String, EnabledFunction> e = enabledOfTarget();
        assertEquals(Set.of(CLASS + ".alpha(int)", CLASS + ".beta()"), e.keySet(), "gamma is not hooked");
        assertEquals(1, e.get(CLASS + ".alpha(int)").opsCount());
        assertEquals(1, e.get(CLASS + ".beta()").opsCount());
        assertEquals(Set.of(), e.get(CLASS + ".alpha(int)").flags());

        Ftrace.registerFtraceFunction(two);
        e = enabledOfTarget();
        assertEquals(Set.of(CLASS + ".alpha(int)", CLASS + ".beta()"), e.keySet());
        EnabledFunction alpha = e.get(CLASS + ".alpha(int)");
        assertEquals(2, alpha.opsCount());
        assertTrue(alpha.flags().contains(FtraceOps.Flag.RECURSION_SAFE), "union of the ops' flags: " + alpha.flags());
        assertEquals(CLASS + ".alpha(int) (2)", alpha.toString());
        assertEquals(1, e.get(CLASS + ".beta()").opsCount());
        assertEquals(Set.of(), e.get(CLASS + ".beta()").flags());

        Ftrace.unregisterFtraceFunction(one);
        e = enabledOfTarget();
        assertEquals(Set.of(CLASS + ".alpha(int)"), e.keySet(), "beta lost its only ops");
        assertEquals(1, e.get(CLASS + ".alpha(int)").opsCount());
        twoCalls.set(0);
        assertEquals(2, Target.alpha(1));
        assertEquals(2, Target.beta());
        assertEquals(1, twoCalls.get(), "alpha's remaining ops still runs after the class changed");

        Ftrace.unregisterFtraceFunction(two);
        assertEquals(Map.of(), enabledOfTarget(), "nothing of Target is hooked after the last unregister");
        assertEquals(2, Target.alpha(1));
    }

    @Test
    // a JDK method (HashMap.get) appears in enabledFunctions while an ops is on it, and disappears after unregister
    void enabledFunctionsListsJdkMethod() {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        assertTrue(Ftrace.enabledFunctions().stream()
                .anyMatch(x -> x.function().signature().equals("java.util.HashMap.get(java.lang.Object)") && x.opsCount() >= 1));
        Ftrace.unregisterFtraceFunction(ops);
        assertTrue(Ftrace.enabledFunctions().stream()
                .noneMatch(x -> x.function().signature().equals("java.util.HashMap.get(java.lang.Object)")));
    }
}
