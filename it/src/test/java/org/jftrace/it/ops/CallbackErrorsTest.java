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

/** SPEC 3.11: a callback's exception is caught, counted by callbackErrors, and the traced method runs normally. */
class CallbackErrorsTest {

    static final class Target {
        static final AtomicInteger bodyRuns = new AtomicInteger();

        static String greet(String who) {
            bodyRuns.incrementAndGet();
            return "hello " + who;
        }
    }

    static final String GREET = "org.jftrace.it.ops.CallbackErrorsTest$Target.greet";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.greet("x");
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private void throwingCallbackIsCountedAndMethodRuns(FtraceOps.Flag... flags) {
        AtomicInteger callbacks = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            callbacks.incrementAndGet();
            throw new IllegalStateException("callback failure (expected by the test)");
        }).withFlags(flags);
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, GREET, false);
        Ftrace.registerFtraceFunction(ops);
        assertEquals(0, Ftrace.callbackErrors(ops));

        int bodies = Target.bodyRuns.get();
        for (int i = 0; i < 3; i++) {
            assertEquals("hello " + i, Target.greet(String.valueOf(i)), "no exception reaches the caller");
        }
        assertEquals(3, callbacks.get());
        assertEquals(bodies + 3, Target.bodyRuns.get(), "the body ran each time");
        assertEquals(3, Ftrace.callbackErrors(ops), "each exception is counted");
    }

    @Test
    // default (guarded) ops: exceptions are caught and counted, the method returns its normal result
    void guardedCallbackExceptionsAreCaughtAndCounted() {
        throwingCallbackIsCountedAndMethodRuns();
    }

    @Test
    // RECURSION_SAFE ops (unguarded dispatch path): exceptions are caught and counted too
    void recursionSafeCallbackExceptionsAreCaughtAndCounted() {
        throwingCallbackIsCountedAndMethodRuns(FtraceOps.Flag.RECURSION_SAFE);
    }

    @Test
    // JDK class (static-call hook on HashMap.get): the exception does not reach the caller, get returns the value, errors counted
    void jdkHookCallbackExceptionsAreCaughtAndCounted() {
        Map<String, Integer> map = new HashMap<>();
        map.put("jftrace-errors-key", 42);
        OpsSupport.Window window = new OpsSupport.Window();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                throw new IllegalStateException("callback failure (expected by the test)");
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        Integer[] got = new Integer[2];
        window.run(() -> {
            got[0] = map.get("jftrace-errors-key");
            got[1] = map.get("jftrace-errors-key");
        });
        assertEquals(42, got[0]);
        assertEquals(42, got[1]);
        assertEquals(2, Ftrace.callbackErrors(ops));
    }
}
