package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.2: unregistering an ops from inside its own callback returns (no deadlock) and stops later callbacks. */
class UnregisterInCallbackTest {

    static final class Target {
        static int twice(int x) {
            return 2 * x;
        }
    }

    static final String TWICE = "org.jftrace.it.ops.UnregisterInCallbackTest$Target.twice";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.twice(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    @Test
    // the callback unregisters its own ops: the traced call completes in time, returns its result, no later callback
    void unregisterFromOwnCallbackDoesNotDeadlock() {
        AtomicInteger callbacks = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            callbacks.incrementAndGet();
            try {
                Ftrace.unregisterFtraceFunction(op);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, TWICE, false);
        Ftrace.registerFtraceFunction(ops);

        int result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Target.twice(21),
                "unregister from inside the callback deadlocked");
        assertEquals(42, result);
        assertNull(failure.get(), () -> "unregister inside the callback threw " + failure.get());
        assertEquals(1, callbacks.get());
        assertFalse(Ftrace.isRegistered(ops));

        assertEquals(8, Target.twice(4));
        assertEquals(10, Target.twice(5));
        assertEquals(1, callbacks.get(), "no callback after the ops unregistered itself");
    }
}
