package org.jftrace.it.api;

import static org.jftrace.it.api.ApiSupport.expectErrno;
import static org.jftrace.it.api.ApiSupport.hooked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.it.ItSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identity trap: a copy made by {@code with*} after a filter call would register with an empty
 * filter (every method of the JVM). Now the copy is refused, and the builder makes the filtered ops
 * in one go.
 */
class IdentityTrapTest {

    /** The traced targets (an application class: invokedynamic hooks). */
    static final class Shop {
        static int buy(int n) {
            return n + 1;
        }

        static int sell(int n) {
            return n - 1;
        }

        static int count(int n) {
            return n * 2;
        }
    }

    static final String PREFIX = "org.jftrace.it.api.IdentityTrapTest$Shop.";
    static final String BUY = PREFIX + "buy";
    static final String SELL = PREFIX + "sell";
    static final String COUNT = PREFIX + "count";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Shop.buy(0);
        Shop.sell(0);
        Shop.count(0);
    }

    @AfterEach
    void unregisterAll() {
        ItSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps track(FtraceOps ops) {
        cleanup.add(ops);
        return ops;
    }

    private static void callAll() {
        Shop.buy(1);
        Shop.sell(1);
        Shop.count(1);
    }

    @Test
    // filter, then withFlags, then register: the copy is refused and nothing is registered
    void theTrapSequenceFailsAndRegistersNothing() {
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = track(FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet()));
        Ftrace.ftraceSetFilter(ops, BUY, false);
        FtraceOps filtered = ops;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            FtraceOps copy = filtered.withFlags(FtraceOps.Flag.RECURSION_SAFE);
            track(copy);
            Ftrace.registerFtraceFunction(copy); // never reached
        });
        assertTrue(e.getMessage().contains("FtraceOps.builder"), e.getMessage());
        assertTrue(e.getMessage().contains("before the first Ftrace call"), e.getMessage());
        assertEquals(1, cleanup.size(), "no copy was made");
        assertFalse(Ftrace.isRegistered(ops));
        assertEquals(Set.of(), hooked(PREFIX));
        callAll();
        assertEquals(0, calls.get());
        // the original, registered as it is, traces its filter only
        Ftrace.registerFtraceFunction(ops);
        callAll();
        assertEquals(1, calls.get());
        assertEquals(Set.of(BUY), hooked(PREFIX));
    }

    @Test
    // every call that gives an ops state makes with* refuse it, a failed filter call included
    void everyStateGivingCallLocksTheCopies() {
        FtraceOps notraced = track(FtraceOps.of((ip, parentIp, op, regs) -> { }));
        Ftrace.ftraceSetNotrace(notraced, SELL, false);
        assertThrows(IllegalStateException.class, () -> notraced.withName("n"));

        FtraceOps byIp = track(FtraceOps.of((ip, parentIp, op, regs) -> { }));
        Ftrace.ftraceSetFilterIp(byIp, Ftrace.lookupIp(BUY), false, false);
        assertThrows(IllegalStateException.class, () -> byIp.withPrivate("p"));

        // register alone gives state, even when it is refused (here: IPMODIFY without SAVE_REGS)
        FtraceOps registered = track(FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(FtraceOps.Flag.IPMODIFY));
        expectErrno(Errno.EINVAL, () -> Ftrace.registerFtraceFunction(registered));
        assertThrows(IllegalStateException.class,
                () -> registered.withFlags(FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.SAVE_REGS));

        FtraceOps perCpu = track(FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(FtraceOps.Flag.PER_CPU));
        Ftrace.ftraceFunctionLocalDisable(perCpu);
        assertThrows(IllegalStateException.class, () -> perCpu.withFlags(FtraceOps.Flag.PER_CPU));

        FtraceOps failed = track(FtraceOps.of((ip, parentIp, op, regs) -> { }));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(failed, PREFIX + "noSuchMethod", false));
        assertThrows(IllegalStateException.class, () -> failed.withFlags(FtraceOps.Flag.RECURSION_SAFE),
                "documented: even a call that threw counts");

        // reads give no state
        FtraceOps read = FtraceOps.of((ip, parentIp, op, regs) -> { });
        assertFalse(Ftrace.isRegistered(read));
        assertEquals(0, Ftrace.callbackErrors(read));
        read.withFlags(FtraceOps.Flag.RECURSION_SAFE);
    }

    @Test
    // the builder's ops is registered with its filter: callbacks on the filtered method only,
    // and enabled_functions gains that method only
    void theBuilderRegistersWithItsFilter() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        Object data = new Object();
        FtraceOps ops = track(FtraceOps.builder((ip, parentIp, op, regs) -> ips.add(ip))
                .flags(FtraceOps.Flag.RECURSION_SAFE)
                .privateData(data)
                .name("built")
                .filter(BUY)
                .build());
        assertEquals(Set.of(FtraceOps.Flag.RECURSION_SAFE), ops.flags());
        assertSame(data, ops.privateData());
        assertEquals("built", ops.name());
        assertFalse(Ftrace.isRegistered(ops), "build does not register");
        assertThrows(IllegalStateException.class, () -> ops.withFlags(FtraceOps.Flag.PARENT_IP),
                "the built ops has state: give flags to the builder");

        Set<String> before = names(Ftrace.enabledFunctions());
        Ftrace.registerFtraceFunction(ops);
        Set<String> added = names(Ftrace.enabledFunctions());
        added.removeAll(before);
        assertEquals(Set.of(BUY), added);
        EnabledFunction line = ApiSupport.line(BUY);
        assertEquals(1, line.opsCount());

        callAll();
        Shop.buy(2);
        assertEquals(List.of(BUY, BUY), names(ips));
    }

    @Test
    // filter and notrace patterns are replayed in order: '!' and notrace take away
    void theBuilderKeepsPatternOrderAndNotrace() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = track(FtraceOps.builder((ip, parentIp, op, regs) -> ips.add(ip))
                .filter(PREFIX + "[a-z]*", "!" + SELL) // the methods, not the constructor
                .notrace(COUNT)
                .build());
        Ftrace.registerFtraceFunction(ops);
        assertEquals(Set.of(BUY), hooked(PREFIX));
        callAll();
        assertEquals(List.of(BUY), names(ips));

        FtraceOps byIp = track(FtraceOps.builder((ip, parentIp, op, regs) -> ips.add(ip))
                .filterIp(Ftrace.lookupIp(SELL), Ftrace.lookupIp(COUNT))
                .build());
        Ftrace.registerFtraceFunction(byIp);
        assertEquals(Set.of(BUY, SELL, COUNT), hooked(PREFIX));
    }

    @Test
    // build() reports a bad pattern as the filter calls do, and hands out no ops
    void buildRefusesWhatTheFilterCallsRefuse() {
        FtraceOps.Builder unmatched = FtraceOps.builder((ip, parentIp, op, regs) -> { }).filter(PREFIX + "nothing");
        assertTrue(expectErrno(Errno.EINVAL, unmatched::build).getMessage().contains("matches no"));
        FtraceOps.Builder malformed = FtraceOps.builder((ip, parentIp, op, regs) -> { }).filter(PREFIX + "[buy");
        expectErrno(Errno.EINVAL, malformed::build);
        FtraceOps.Builder ipmodifyNotrace = FtraceOps.builder((ip, parentIp, op, regs) -> { })
                .flags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY).filter(BUY).notrace(SELL);
        expectErrno(Errno.EINVAL, ipmodifyNotrace::build);

        // pending: kept, traces nothing until a match loads
        AtomicInteger calls = new AtomicInteger();
        FtraceOps pending = track(FtraceOps.builder((ip, parentIp, op, regs) -> calls.incrementAndGet())
                .filterPending(PREFIX + "nothingYet")
                .build());
        Ftrace.registerFtraceFunction(pending);
        callAll();
        assertEquals(0, calls.get(), "a pending-only filter selects nothing, not everything");
        assertEquals(Set.of(), hooked(PREFIX));
    }

    private static Set<String> names(List<EnabledFunction> lines) {
        Set<String> out = new java.util.TreeSet<>();
        for (EnabledFunction f : lines) {
            out.add(f.function().name());
        }
        return out;
    }

    private static List<String> names(Queue<Long> ips) {
        List<String> out = new ArrayList<>();
        for (long ip : ips) {
            out.add(Ftrace.lookup(ip).map(FunctionInfo::name).orElse("?"));
        }
        return out;
    }

    @Test
    // the ops that the callback sees is the built one
    void theCallbackSeesTheBuiltOps() {
        Queue<FtraceOps> seen = new ConcurrentLinkedQueue<>();
        FtraceOps ops = track(FtraceOps.builder((ip, parentIp, op, regs) -> seen.add(op)).filter(COUNT).build());
        Ftrace.registerFtraceFunction(ops);
        Shop.count(3);
        assertEquals(1, seen.size());
        assertSame(ops, seen.peek());
        assertNull(ops.privateData());
    }
}
