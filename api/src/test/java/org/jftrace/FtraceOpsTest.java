package org.jftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.jftrace.FtraceOps.Flag;
import org.junit.jupiter.api.Test;

/** The ops value rules that need no agent: copies, the builder, and with* refused once an ops has state. */
class FtraceOpsTest {
    private static final FtraceFunc F = (ip, parentIp, op, regs) -> { };

    @Test
    // with* on a fresh ops returns a new ops; withFlags replaces every flag
    void withOnAFreshOpsCopiesAndWithFlagsReplaces() {
        FtraceOps a = FtraceOps.of(F);
        FtraceOps b = a.withFlags(Flag.SAVE_REGS, Flag.IPMODIFY);
        assertNotSame(a, b);
        assertEquals(Set.of(), a.flags());
        assertEquals(EnumSet.of(Flag.SAVE_REGS, Flag.IPMODIFY), b.flags());
        FtraceOps c = b.withFlags(Flag.RECURSION_SAFE);
        assertEquals(EnumSet.of(Flag.RECURSION_SAFE), c.flags(), "withFlags replaces, it does not add");
        FtraceOps d = c.withPrivate("p").withName("n");
        assertEquals("p", d.privateData());
        assertEquals("n", d.name());
        assertSame(F, d.func());
        assertEquals(EnumSet.of(Flag.RECURSION_SAFE), d.flags());
        assertEquals(Set.of(), c.withFlags().flags());
    }

    @Test
    // once Ftrace has given an ops state, every with* throws IllegalStateException saying what to do
    void withOnAnOpsWithStateThrows() {
        FtraceOps ops = FtraceOps.of(F).withName("traced");
        ops.markState(); // what Ftrace does before it hands the ops to jftrace
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ops.withFlags(Flag.RECURSION_SAFE));
        assertTrue(e.getMessage().contains("withFlags on traced"), e.getMessage());
        assertTrue(e.getMessage().contains("FtraceOps.builder(func)"), e.getMessage());
        assertTrue(e.getMessage().contains("before the first Ftrace call"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ops.withPrivate(null));
        assertThrows(IllegalStateException.class, () -> ops.withName("other"));
        // reads stay allowed
        assertEquals("traced", ops.name());
        assertEquals(Set.of(), ops.flags());
    }

    @Test
    // build() without lists makes a new ops each time, with exactly the builder's settings
    void builderWithoutListsSetsFlagsPrivateDataAndName() {
        Object data = new Object();
        FtraceOps.Builder b = FtraceOps.builder(F)
                .flags(Flag.PER_CPU)
                .flags(Flag.SAVE_REGS, Flag.IPMODIFY) // replaces
                .privateData(data)
                .name("built");
        FtraceOps one = b.build();
        FtraceOps two = b.build();
        assertNotSame(one, two);
        assertEquals(EnumSet.of(Flag.SAVE_REGS, Flag.IPMODIFY), one.flags());
        assertSame(data, one.privateData());
        assertEquals("built", one.name());
        assertSame(F, one.func());
        assertThrows(UnsupportedOperationException.class, () -> one.flags().add(Flag.RCU));
        // no lists were set, so it has no state: copies are still allowed
        assertEquals(EnumSet.of(Flag.RCU), one.withFlags(Flag.RCU).flags());
        assertNull(FtraceOps.builder(F).build().privateData());
    }

    @Test
    // the builder refuses nulls where the ops would
    void builderNulls() {
        assertThrows(NullPointerException.class, () -> FtraceOps.builder(null));
        FtraceOps.Builder b = FtraceOps.builder(F);
        assertThrows(NullPointerException.class, () -> b.flags((Flag) null));
        assertThrows(NullPointerException.class, () -> b.name(null));
        assertThrows(NullPointerException.class, () -> b.filter((String) null));
        assertThrows(NullPointerException.class, () -> b.notrace("a.B.c", null));
    }

    @Test
    // a registration closes once; a closed or superseded registration does nothing (no agent needed)
    void registrationThatIsNotCurrentDoesNothingOnClose() {
        FtraceOps ops = FtraceOps.of(F);
        Registration r = new Registration(ops);
        r.close(); // ops.registration is not r: nothing to undo, no call into jftrace
        r.close();
        assertSame(ops, r.ops());
        assertTrue(r.toString().contains("closed"), r.toString());
    }
}
