package org.jftrace.it.ops;

import static org.jftrace.it.ops.OpsSupport.namesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntSupplier;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC 3.1/3.3: classes loaded after register are hooked (empty filter, or a kept pattern that matches them). */
class LateLoadTest {

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    /** {@return whether class {@code name} is loaded: availableFilterFunctions lists every loaded class's methods} */
    private static boolean loaded(String name) {
        return Ftrace.availableFilterFunctions().stream().anyMatch(f -> f.className().equals(name));
    }

    @Test
    // an ops with an empty filter (restricted by notrace to this test's classes) hooks a class first loaded after register
    void emptyFilterHooksClassLoadedAfterRegister() throws Exception {
        IntSupplier early = LateTargetNames.instantiate(LateTargetNames.EARLY);
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        assertFalse(loaded(LateTargetNames.AFTER_EMPTY), "precondition: the late class is not loaded yet");
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip)).withName("late-empty-filter");
        cleanup.add(ops);
        OpsSupport.notraceAllBut(ops, LateTargetNames.PREFIX);
        Ftrace.registerFtraceFunction(ops); // empty filter: every method not on the notrace list

        assertEquals(1, early.getAsInt());
        IntSupplier late = LateTargetNames.instantiate(LateTargetNames.AFTER_EMPTY);
        assertEquals(2, late.getAsInt());
        Ftrace.unregisterFtraceFunction(ops);

        assertEquals(List.of(LateTargetNames.EARLY + ".getAsInt",
                LateTargetNames.AFTER_EMPTY + ".<init>",
                LateTargetNames.AFTER_EMPTY + ".getAsInt"), namesOf(ips));
    }

    @Test
    // a kept (not only resolved) pattern also selects the matching method of a class loaded after register
    void keptPatternHooksClassLoadedAfterRegister() throws Exception {
        IntSupplier a = LateTargetNames.instantiate(LateTargetNames.KEPT_A);
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip));
        cleanup.add(ops);
        assertFalse(loaded(LateTargetNames.KEPT_B), "precondition: the late class is not loaded yet");
        Ftrace.ftraceSetFilter(ops, LateTargetNames.PREFIX + "Kept?.getAsInt", false); // matches KeptA now
        Ftrace.registerFtraceFunction(ops);

        assertEquals(3, a.getAsInt());
        IntSupplier b = LateTargetNames.instantiate(LateTargetNames.KEPT_B);
        assertEquals(4, b.getAsInt());
        assertEquals(4, b.getAsInt());
        assertEquals(List.of(LateTargetNames.KEPT_A + ".getAsInt",
                LateTargetNames.KEPT_B + ".getAsInt",
                LateTargetNames.KEPT_B + ".getAsInt"), namesOf(ips));
    }
}
