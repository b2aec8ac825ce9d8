package org.jftrace.it.ops;

import static org.jftrace.it.ops.OpsSupport.expectErrno;
import static org.jftrace.it.ops.OpsSupport.namesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.1/3.2: register enables the callback on the filtered methods, unregister disables it, EBUSY rules. */
class RegisterUnregisterTest {

    /** The traced target (application class: invokedynamic hook). */
    static final class Calc {
        static volatile int addBodyRuns;

        static int add(int a, int b) {
            addBodyRuns++;
            return a + b;
        }

        static int mul(int a, int b) {
            return a * b;
        }
    }

    static final String ADD = "org.jftrace.it.ops.RegisterUnregisterTest$Calc.add";
    static final String MUL = "org.jftrace.it.ops.RegisterUnregisterTest$Calc.mul";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Calc.add(0, 0);
        Calc.mul(0, 0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps track(FtraceOps ops) {
        cleanup.add(ops);
        return ops;
    }

    @Test
    // register: each call of the filtered method runs the callback once, with the method's ip and the ops itself
    void registerRunsCallbackOncePerCallWithTheMethodsIp() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        Queue<FtraceOps> seenOps = new ConcurrentLinkedQueue<>();
        FtraceOps ops = track(FtraceOps.of((ip, parentIp, op, regs) -> {
            ips.add(ip);
            seenOps.add(op);
        }));
        Ftrace.ftraceSetFilter(ops, ADD, false);
        Ftrace.registerFtraceFunction(ops);
        assertTrue(Ftrace.isRegistered(ops));

        int before = Calc.addBodyRuns;
        assertEquals(5, Calc.add(2, 3));
        assertEquals(9, Calc.add(4, 5));
        assertEquals(6, Calc.mul(2, 3)); // not in the filter: no callback
        assertEquals(before + 2, Calc.addBodyRuns, "the traced body runs normally");

        assertEquals(List.of(ADD, ADD), namesOf(ips));
        long ip = ips.peek();
        assertEquals(Ftrace.lookupIp(ADD + "(int,int)"), ip);
        FunctionInfo fi = Ftrace.lookup(ip).orElseThrow();
        assertEquals("org.jftrace.it.ops.RegisterUnregisterTest$Calc", fi.className());
        assertEquals("add", fi.methodName());
        assertEquals("(int,int)", fi.parameters());
        assertEquals("(II)I", fi.descriptor());
        assertEquals(0, fi.bci());
        for (FtraceOps seen : seenOps) {
            assertSame(ops, seen, "the callback gets the registered ops as op");
        }
    }

    @Test
    // unregister: after it returns no further call runs the callback, and the method still works
    void unregisterStopsCallbacks() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = track(FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet()));
        Ftrace.ftraceSetFilter(ops, ADD, false);
        Ftrace.registerFtraceFunction(ops);
        Calc.add(1, 1);
        assertEquals(1, calls.get());

        Ftrace.unregisterFtraceFunction(ops);
        assertFalse(Ftrace.isRegistered(ops));
        assertEquals(3, Calc.add(1, 2));
        assertEquals(3, Calc.add(1, 2));
        assertEquals(1, calls.get(), "no callback after unregister");
    }

    @Test
    // registering a registered ops is EBUSY and does not hook the method a second time
    void registerTwiceIsEbusy() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = track(FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet()));
        Ftrace.ftraceSetFilter(ops, ADD, false);
        Ftrace.registerFtraceFunction(ops);
        expectErrno(Errno.EBUSY, () -> Ftrace.registerFtraceFunction(ops));
        assertTrue(Ftrace.isRegistered(ops));
        Calc.add(1, 1);
        assertEquals(1, calls.get(), "still exactly one callback per call");
    }

    @Test
    // unregistering an ops that is not registered is EBUSY and changes nothing (other ops keep working)
    void unregisterUnregisteredIsEbusyAndChangesNothing() {
        AtomicInteger liveCalls = new AtomicInteger();
        AtomicInteger otherCalls = new AtomicInteger();
        FtraceOps live = track(FtraceOps.of((ip, parentIp, op, regs) -> liveCalls.incrementAndGet()));
        FtraceOps never = track(FtraceOps.of((ip, parentIp, op, regs) -> otherCalls.incrementAndGet()));
        Ftrace.ftraceSetFilter(live, ADD, false);
        Ftrace.ftraceSetFilter(never, MUL, false);
        Ftrace.registerFtraceFunction(live);

        expectErrno(Errno.EBUSY, () -> Ftrace.unregisterFtraceFunction(never));
        assertFalse(Ftrace.isRegistered(never));
        assertTrue(Ftrace.isRegistered(live));
        Calc.add(1, 1);
        Calc.mul(1, 1);
        assertEquals(1, liveCalls.get(), "the registered ops still runs");
        assertEquals(0, otherCalls.get(), "the failed unregister did not enable anything");

        Ftrace.unregisterFtraceFunction(live);
        expectErrno(Errno.EBUSY, () -> Ftrace.unregisterFtraceFunction(live));
        Calc.add(1, 1);
        assertEquals(1, liveCalls.get(), "a second unregister does not re-enable anything");
    }

    @Test
    // unregister keeps the filter: registering the same ops again hooks the same methods
    void reRegisterAfterUnregisterUsesTheKeptFilter() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = track(FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip)));
        Ftrace.ftraceSetFilter(ops, ADD, false);
        Ftrace.registerFtraceFunction(ops);
        Ftrace.unregisterFtraceFunction(ops);
        Calc.add(1, 1);
        assertTrue(ips.isEmpty());

        Ftrace.registerFtraceFunction(ops);
        Calc.add(1, 1);
        Calc.mul(1, 1);
        assertEquals(List.of(ADD), namesOf(ips));
    }
}
