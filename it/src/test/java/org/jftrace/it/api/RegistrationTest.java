package org.jftrace.it.api;

import static org.jftrace.it.api.ApiSupport.expectErrno;
import static org.jftrace.it.api.ApiSupport.hooked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.Registration;
import org.jftrace.it.ItSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ftrace.register returns a Registration whose close() unregisters, for try-with-resources. */
class RegistrationTest {

    /** The traced target (an application class: invokedynamic hook). */
    static final class Meter {
        static int tick(int n) {
            return n + 1;
        }
    }

    static final String TICK = "org.jftrace.it.api.RegistrationTest$Meter.tick";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Meter.tick(0);
    }

    @AfterEach
    void unregisterAll() {
        ItSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps counting(AtomicInteger calls) {
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> calls.incrementAndGet()).filter(TICK).build();
        cleanup.add(ops);
        return ops;
    }

    @Test
    // inside the block the ops is registered; at the end of the block it is not, and callbacks stop
    void tryWithResourcesUnregistersAtClose() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = counting(calls);
        try (Registration r = Ftrace.register(ops)) {
            assertSame(ops, r.ops());
            assertTrue(Ftrace.isRegistered(ops));
            assertEquals(Set.of(TICK), hooked(TICK));
            Meter.tick(1);
            Meter.tick(2);
        }
        assertFalse(Ftrace.isRegistered(ops));
        assertEquals(Set.of(), hooked(TICK));
        assertEquals(2, calls.get());
        Meter.tick(3);
        assertEquals(2, calls.get(), "no callback after close");
    }

    @Test
    // a block left by an exception unregisters too; close is idempotent
    void closeOnExceptionAndTwice() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = counting(calls);
        AtomicReference<Registration> kept = new AtomicReference<>();
        assertThrows(ArithmeticException.class, () -> {
            try (Registration r = Ftrace.register(ops)) {
                kept.set(r);
                Meter.tick(1);
                throw new ArithmeticException("leaving the block");
            }
        });
        assertFalse(Ftrace.isRegistered(ops));
        kept.get().close();
        kept.get().close();
        assertFalse(Ftrace.isRegistered(ops));
        assertEquals(1, calls.get());
    }

    @Test
    // a registration undoes only itself: after an unregister and a new registration, the old one's close does nothing
    void anOldRegistrationDoesNotUndoANewOne() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = counting(calls);
        Registration first = Ftrace.register(ops);
        Ftrace.unregisterFtraceFunction(ops);
        try (Registration second = Ftrace.register(ops)) {
            first.close();
            assertTrue(Ftrace.isRegistered(ops), "the first registration's close left the second alone");
            Meter.tick(1);
            assertEquals(1, calls.get());
        }
        assertFalse(Ftrace.isRegistered(ops));

        // nor one made by the kernel call
        Registration third = Ftrace.register(ops);
        Ftrace.unregisterFtraceFunction(ops);
        Ftrace.registerFtraceFunction(ops);
        third.close();
        assertTrue(Ftrace.isRegistered(ops));
        Ftrace.unregisterFtraceFunction(ops);
    }

    @Test
    // register of a registered ops is EBUSY, as registerFtraceFunction; the first registration still works
    void registerTwiceIsEbusy() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = counting(calls);
        try (Registration r = Ftrace.register(ops)) {
            expectErrno(Errno.EBUSY, () -> Ftrace.register(ops));
            assertTrue(Ftrace.isRegistered(ops));
            Meter.tick(1);
            assertEquals(1, calls.get());
        }
        assertFalse(Ftrace.isRegistered(ops));
        expectErrno(Errno.EBUSY, () -> Ftrace.unregisterFtraceFunction(ops));
    }

    @Test
    // the callback may close its own registration (unregistering from inside the callback)
    void closeFromInsideTheCallback() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Registration> self = new AtomicReference<>();
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> {
            calls.incrementAndGet();
            self.get().close();
        }).flags(FtraceOps.Flag.RECURSION_SAFE).filter(TICK).build();
        cleanup.add(ops);
        self.set(Ftrace.register(ops));
        Meter.tick(1);
        assertFalse(Ftrace.isRegistered(ops));
        Meter.tick(2);
        assertEquals(1, calls.get());
        assertEquals(0, Ftrace.callbackErrors(ops));
    }

    @Test
    // register gives the ops state like registerFtraceFunction: with* refuses it
    void registerLocksTheCopies() {
        FtraceOps ops = counting(new AtomicInteger());
        try (Registration r = Ftrace.register(ops)) {
            assertThrows(IllegalStateException.class, () -> ops.withName("x"));
        }
    }
}
