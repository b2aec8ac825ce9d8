package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.tracers.function.FunctionTracer;
import org.jftrace.tracers.ring.TraceClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's {@code ftrace_test_recursion_trylock}/{@code unlock} on the API: while a thread holds
 * it, no guarded callback runs on it, RECURSION_SAFE ones do; a second trylock answers -1. And the
 * trace clock's ticker, a tracer's own thread, holds it: its JDK calls never show in a trace.
 */
class RecursionLockTest {
    static final class Target {
        static int twice(int x) {
            return 2 * x;
        }
    }

    static final String TWICE = "org.jftrace.it.ops.RecursionLockTest$Target.twice";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.twice(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps counting(AtomicInteger n, FtraceOps.Flag... flags) {
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> n.incrementAndGet()).flags(flags).filter(TWICE)
                .build();
        Ftrace.registerFtraceFunction(ops);
        cleanup.add(ops);
        return ops;
    }

    @Test
    void guardedCallbacksWaitForTheUnlockRecursionSafeOnesDoNot() {
        AtomicInteger guarded = new AtomicInteger();
        AtomicInteger safe = new AtomicInteger();
        counting(guarded);
        counting(safe, FtraceOps.Flag.RECURSION_SAFE);
        Target.twice(1);
        assertEquals(1, guarded.get());
        assertEquals(1, safe.get());
        int bit = Ftrace.ftraceTestRecursionTrylock();
        assertTrue(bit >= 0, "the thread was not inside a callback");
        try {
            assertEquals(-1, Ftrace.ftraceTestRecursionTrylock(), "held already");
            assertEquals(4, Target.twice(2));
            assertEquals(1, guarded.get(), "a guarded callback ran while the lock was held");
            assertEquals(2, safe.get());
        } finally {
            Ftrace.ftraceTestRecursionUnlock(bit);
        }
        Target.twice(3);
        assertEquals(2, guarded.get(), "the unlock gave the thread back");
        assertEquals(3, safe.get());
    }

    @Test
    void theTraceClocksTickerNeverShowsInATrace() throws Exception {
        FunctionTracer t = FunctionTracer.builder().clock(TraceClock.UPTIME)
                .filter("java.util.concurrent.locks.LockSupport.parkNanos").build();
        t.start();
        try {
            Thread.sleep(300); // the ticker parks every millisecond
        } finally {
            t.stop();
        }
        String trace = t.trace();
        assertTrue(trace.contains("# tracer: function"), trace);
        assertFalse(trace.contains("jftrace-trace-clock"), trace);
    }
}
