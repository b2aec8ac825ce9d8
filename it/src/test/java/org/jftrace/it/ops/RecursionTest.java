package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.6: the default per-thread recursion guard, and RECURSION_SAFE without it. */
class RecursionTest {

    static final class Target {
        static final AtomicInteger bodyRuns = new AtomicInteger();

        static int square(int x) {
            bodyRuns.incrementAndGet();
            return x * x;
        }
    }

    static final String SQUARE = "org.jftrace.it.ops.RecursionTest$Target.square";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.square(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    @Test
    // default guard: a callback calling the traced method is not re-entered (inner callback lost), the inner call still runs and returns its result
    void defaultGuardDropsNestedCallbackButRunsTheMethod() {
        AtomicInteger callbacks = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        List<Integer> innerResults = new ArrayList<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            callbacks.incrementAndGet();
            int d = depth.incrementAndGet();
            maxDepth.accumulateAndGet(d, Math::max);
            try {
                if (d < 5) { // stops a broken guard from recursing forever
                    innerResults.add(Target.square(7));
                }
            } finally {
                depth.decrementAndGet();
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, SQUARE, false);
        Ftrace.registerFtraceFunction(ops);

        int bodies = Target.bodyRuns.get();
        assertEquals(9, Target.square(3));
        assertEquals(16, Target.square(4));
        assertEquals(2, callbacks.get(), "one callback per outer call; the nested ones are refused");
        assertEquals(1, maxDepth.get(), "the callback was never re-entered");
        assertEquals(List.of(49, 49), innerResults, "the nested traced call ran and returned its normal result");
        assertEquals(bodies + 4, Target.bodyRuns.get(), "outer and nested bodies all ran");
    }

    @Test
    // several guarded ops on one method take the guard once for the whole chain: a nested call from
    // any callback runs none of them; a callback that throws neither stops the next ops nor leaves the guard held
    void guardedOpsOnOneMethodShareTheGuardAndAThrowingCallbackReleasesIt() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        List<Integer> innerResults = new ArrayList<>();
        FtraceOps first = FtraceOps.of((ip, parentIp, op, regs) -> {
            int n = a.incrementAndGet();
            if (n <= 3) {
                innerResults.add(Target.square(7)); // nested: neither ops may run for it
            }
            if (n == 2) {
                throw new IllegalStateException("second call fails");
            }
        }).withName("chain-first");
        FtraceOps second = FtraceOps.of((ip, parentIp, op, regs) -> b.incrementAndGet()).withName("chain-second");
        cleanup.add(first);
        cleanup.add(second);
        Ftrace.ftraceSetFilter(first, SQUARE, false);
        Ftrace.ftraceSetFilter(second, SQUARE, false);
        Ftrace.registerFtraceFunction(first);
        Ftrace.registerFtraceFunction(second);

        assertEquals(9, Target.square(3));
        assertEquals(16, Target.square(4)); // first's callback throws this time
        assertEquals(25, Target.square(5));
        assertEquals(3, a.get(), "first: once per outer call, never for the nested ones");
        assertEquals(3, b.get(), "second: once per outer call, also after first threw, never for the nested ones");
        assertEquals(List.of(49, 49, 49), innerResults);
        assertEquals(1L, Ftrace.callbackErrors(first));
    }

    @Test
    // RECURSION_SAFE: no guard, a callback calling the traced method re-enters itself (depth counter stops it at 3)
    void recursionSafeReentersTheCallback() {
        AtomicInteger callbacks = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            callbacks.incrementAndGet();
            int d = depth.incrementAndGet();
            maxDepth.accumulateAndGet(d, Math::max);
            try {
                if (d < 3) {
                    Target.square(d);
                }
            } finally {
                depth.decrementAndGet();
            }
        }).withFlags(FtraceOps.Flag.RECURSION_SAFE);
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, SQUARE, false);
        Ftrace.registerFtraceFunction(ops);

        int bodies = Target.bodyRuns.get();
        assertEquals(25, Target.square(5));
        assertEquals(3, callbacks.get(), "outer call + two re-entered nested calls");
        assertEquals(3, maxDepth.get());
        assertEquals(bodies + 3, Target.bodyRuns.get());
    }

    @Test
    // JDK class (static-call hook on HashMap.get): the default guard refuses the nested callback, the nested get still returns its value
    void defaultGuardOnJdkMethod() {
        Map<String, String> map = new HashMap<>();
        map.put("jftrace-rec-key", "v");
        OpsSupport.Window window = new OpsSupport.Window();
        AtomicInteger callbacks = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        List<String> innerResults = new ArrayList<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (!window.inside()) {
                return;
            }
            callbacks.incrementAndGet();
            int d = depth.incrementAndGet();
            try {
                if (d < 5) {
                    innerResults.add(map.get("jftrace-rec-key"));
                }
            } finally {
                depth.decrementAndGet();
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        String[] got = new String[1];
        window.run(() -> got[0] = map.get("jftrace-rec-key"));
        Ftrace.unregisterFtraceFunction(ops);
        assertEquals("v", got[0]);
        assertEquals(1, callbacks.get());
        assertEquals(List.of("v"), innerResults);
    }

    @Test
    // JDK class (static-call hook on HashMap.get) with RECURSION_SAFE: the callback re-enters (depth counter stops it at 3)
    void recursionSafeOnJdkMethod() {
        Map<String, String> map = new HashMap<>();
        map.put("jftrace-rec-key", "v");
        OpsSupport.Window window = new OpsSupport.Window();
        AtomicInteger callbacks = new AtomicInteger();
        AtomicInteger depth = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (!window.inside()) {
                return;
            }
            callbacks.incrementAndGet();
            int d = depth.incrementAndGet();
            try {
                if (d < 3) {
                    map.get("jftrace-rec-key");
                }
            } finally {
                depth.decrementAndGet();
            }
        }).withFlags(FtraceOps.Flag.RECURSION_SAFE);
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        String[] got = new String[1];
        window.run(() -> got[0] = map.get("jftrace-rec-key"));
        Ftrace.unregisterFtraceFunction(ops);
        assertEquals("v", got[0]);
        assertEquals(3, callbacks.get());
    }
}
