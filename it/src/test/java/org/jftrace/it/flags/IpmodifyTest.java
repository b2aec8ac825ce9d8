package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.LivePatch;
import org.jftrace.RedirectFunc;
import org.junit.jupiter.api.Test;

/** IPMODIFY: redirects, its registration rules, and the live-patch helper, in-process. */
class IpmodifyTest {
    private static final String DEPOSIT = "org.jftrace.it.flags.FlagTargets$Account.deposit";
    private static final String FIX = "org.jftrace.it.flags.FlagTargets$Fixes.depositTwice";

    static {
        new FlagTargets.Account("load", 0).deposit(0, 0);
        FlagTargets.Fixes.square(1);
        FlagTargets.plusOne(0);
    }

    private static FtraceOps redirectTo(String replacement) {
        long ip = Ftrace.lookupIp(replacement);
        return FtraceOps.of((i, p, op, regs) -> regs.setIp(ip))
                .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
    }

    @Test
    void aRedirectRunsTheReplacementWithTheArgumentsAndReturnsItsResult() {
        FlagTargets.Account acct = new FlagTargets.Account("a", 10);
        FtraceOps ops = redirectTo(FIX);
        Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
        Ftrace.registerFtraceFunction(ops);
        long redirected;
        try {
            redirected = acct.deposit(3, 2);
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(-22, redirected, "depositTwice(self, 3, 2): balance 10 + 12, negated");
        assertEquals(22, acct.balance);
        assertEquals(28, acct.deposit(3, 2), "after unregister the original body runs again");
    }

    /** {@return the enabled_functions line of {@code name} (a name without parameters, one overload), or null} */
    private static String line(String name) {
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            if (e.function().name().equals(name)) {
                return e.toString();
            }
        }
        return null;
    }

    @Test
    void aLoneRedirectFuncIsLinkedDirectlyAndTheChainTakesOverWhenAnotherOpsJoins() {
        String fixSignature = Ftrace.lookup(Ftrace.lookupIp(FIX)).orElseThrow().signature();
        FlagTargets.Account acct = new FlagTargets.Account("a", 10);
        FtraceOps patch = FtraceOps.of(RedirectFunc.to(FIX)).withName("direct")
                .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
        List<Long> traced = Collections.synchronizedList(new ArrayList<>());
        FtraceOps tracer = FtraceOps.of((ip, p, op, regs) -> traced.add(ip)).withName("tracer");
        Ftrace.ftraceSetFilter(patch, DEPOSIT, true);
        Ftrace.ftraceSetFilter(tracer, DEPOSIT, true);
        Ftrace.registerFtraceFunction(patch);
        try {
            assertTrue(line(DEPOSIT).endsWith(" (1) R I D\tdirect-->" + fixSignature), line(DEPOSIT));
            // hot enough for the JIT to compile the directly linked method: every call redirected
            long expected = 10;
            for (int i = 0; i < 50_000; i++) {
                expected += 2 * 3 * 2;
                assertEquals(-expected, acct.deposit(3, 2));
            }
            // a second ops: the chain runs the callback again, the redirect still happens, the tracer sees each call
            Ftrace.registerFtraceFunction(tracer);
            assertTrue(line(DEPOSIT).endsWith(" (2) R I"), line(DEPOSIT));
            expected += 12;
            assertEquals(-expected, acct.deposit(3, 2));
            assertEquals(1, traced.size());
            Ftrace.unregisterFtraceFunction(tracer);
            assertTrue(line(DEPOSIT).endsWith(" D\tdirect-->" + fixSignature), line(DEPOSIT));
            expected += 12;
            assertEquals(-expected, acct.deposit(3, 2));
            assertEquals(1, traced.size());
        } finally {
            if (Ftrace.isRegistered(tracer)) {
                Ftrace.unregisterFtraceFunction(tracer);
            }
            Ftrace.unregisterFtraceFunction(patch);
        }
        // unlinked: the compiled redirect is gone at once, the original body runs (balance + 6, returned as is)
        long expected = acct.balance;
        for (int i = 0; i < 1_000; i++) {
            expected += 6;
            assertEquals(expected, acct.deposit(3, 2));
        }
        assertEquals(null, line(DEPOSIT));
    }

    @Test
    void aRedirectFuncThatCannotWorkIsNotLinkedAndReportsPerCallAsSetIpDoes() {
        FlagTargets.Account acct = new FlagTargets.Account("a", 1);
        FtraceOps misfit = FtraceOps.of(RedirectFunc.to("org.jftrace.it.flags.FlagTargets$Fixes.wrong"))
                .withName("misfit").withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
        FtraceOps noIpmodify = FtraceOps.of(RedirectFunc.to(FIX)).withName("noIpmodify")
                .withFlags(FtraceOps.Flag.SAVE_REGS);
        for (FtraceOps ops : List.of(misfit, noIpmodify)) {
            Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
            Ftrace.registerFtraceFunction(ops);
            try {
                assertFalse(line(DEPOSIT).contains("direct-->"), line(DEPOSIT));
                long before = acct.balance;
                assertEquals(before + 6, acct.deposit(3, 2), ops.name() + ": the original body runs");
            } finally {
                Ftrace.unregisterFtraceFunction(ops);
            }
            assertEquals(1, Ftrace.callbackErrors(ops), ops.name() + ": the refused setIp is counted");
        }
    }

    @Test
    void theReplacementsExceptionReachesTheCaller() {
        FlagTargets.Account acct = new FlagTargets.Account("a", 0);
        acct.label("x");
        FtraceOps ops = redirectTo("org.jftrace.it.flags.FlagTargets$Fixes.failingLabel");
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.FlagTargets$Account.label", true);
        Ftrace.registerFtraceFunction(ops);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> acct.label("Mr "));
            assertEquals("from the replacement", e.getMessage());
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals("Mr a", acct.label("Mr "));
    }

    @Test
    void anIncompatibleReplacementIsAClearErrorAndTheOriginalRuns() {
        List<FtraceException> errors = Collections.synchronizedList(new ArrayList<>());
        long wrong = Ftrace.lookupIp("org.jftrace.it.flags.FlagTargets$Fixes.wrong");
        FtraceOps ops = FtraceOps.of((i, p, op, regs) -> {
            try {
                regs.setIp(wrong);
            } catch (FtraceException e) {
                errors.add(e);
                throw e; // also counted on the ops
            }
        }).withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
        FlagTargets.Account acct = new FlagTargets.Account("a", 1);
        Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(7, acct.deposit(3, 2));
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(1, errors.size());
        assertEquals(Errno.EINVAL, errors.get(0).errno());
        assertTrue(errors.get(0).getMessage().contains("parameter 0"), errors.get(0).getMessage());
        assertEquals(1, Ftrace.callbackErrors(ops));
    }

    @Test
    void settingIpWithoutIpmodifyIsRefusedAndTheOriginalRuns() {
        long fix = Ftrace.lookupIp(FIX);
        List<FtraceException> errors = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((i, p, op, regs) -> {
            try {
                regs.setIp(fix);
            } catch (FtraceException e) {
                errors.add(e);
            }
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        FlagTargets.Account acct = new FlagTargets.Account("a", 0);
        Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(6, acct.deposit(3, 2));
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(Errno.EINVAL, errors.get(0).errno());
    }

    @Test
    void ipmodifyWithoutSaveRegsIsEinval() {
        FtraceOps ops = FtraceOps.of((i, p, op, regs) -> { }).withFlags(FtraceOps.Flag.IPMODIFY);
        Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
        FtraceException e = assertThrows(FtraceException.class, () -> Ftrace.registerFtraceFunction(ops));
        assertEquals(Errno.EINVAL, e.errno());
        assertFalse(Ftrace.isRegistered(ops));
    }

    @Test
    void ipmodifyWithAnEmptyFilterIsEinvalAndSoIsANotraceChange() {
        FtraceOps ops = redirectTo(FIX);
        assertEquals(Errno.EINVAL, assertThrows(FtraceException.class, () -> Ftrace.registerFtraceFunction(ops)).errno());
        assertFalse(Ftrace.isRegistered(ops));
        Ftrace.ftraceSetFilter(ops, DEPOSIT, true);
        assertEquals(Errno.EINVAL, assertThrows(FtraceException.class,
                () -> Ftrace.ftraceSetNotrace(ops, "org.jftrace.it.flags.FlagTargets.plusOne", false)).errno());
        Ftrace.registerFtraceFunction(ops);
        try {
            // a reset to the empty filter would mean every method
            assertEquals(Errno.EINVAL, assertThrows(FtraceException.class,
                    () -> Ftrace.ftraceSetFilter(ops, null, true)).errno());
            FlagTargets.Account acct = new FlagTargets.Account("a", 0);
            assertEquals(-12, acct.deposit(3, 2), "the filter is unchanged: still redirected");
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
    }

    @Test
    void twoIpmodifyOpsOnOneMethodIsEbusyAndNothingChanges() {
        FtraceOps first = redirectTo(FIX);
        FtraceOps second = redirectTo(FIX);
        Ftrace.ftraceSetFilter(first, DEPOSIT, true);
        Ftrace.ftraceSetFilter(second, DEPOSIT, true);
        Ftrace.registerFtraceFunction(first);
        try {
            assertEquals(Errno.EBUSY, assertThrows(FtraceException.class,
                    () -> Ftrace.registerFtraceFunction(second)).errno());
            assertFalse(Ftrace.isRegistered(second));
            // a filter change that would make two is refused too, and leaves the old filter in place
            FtraceOps third = redirectTo("org.jftrace.it.flags.FlagTargets$Fixes.square");
            Ftrace.ftraceSetFilter(third, "org.jftrace.it.flags.FlagTargets.plusOne", true);
            Ftrace.registerFtraceFunction(third);
            try {
                assertEquals(Errno.EBUSY, assertThrows(FtraceException.class,
                        () -> Ftrace.ftraceSetFilter(third, DEPOSIT, false)).errno());
                assertEquals(16, FlagTargets.plusOne(4), "third still redirects plusOne to square");
            } finally {
                Ftrace.unregisterFtraceFunction(third);
            }
            assertEquals(-6, new FlagTargets.Account("a", 0).deposit(3, 1), "first still redirects deposit");
        } finally {
            Ftrace.unregisterFtraceFunction(first);
        }
        assertEquals(0, Ftrace.enabledFunctions().stream()
                .filter(f -> f.function().name().startsWith("org.jftrace.it.flags.")).count());
    }

    @Test
    void livePatchReplacesAndUndoesAndRefusesWhatCannotWork() {
        LivePatch p = LivePatch.replace("org.jftrace.it.flags.FlagTargets.plusOne", "org.jftrace.it.flags.FlagTargets$Fixes.square");
        try {
            assertEquals(49, FlagTargets.plusOne(7));
            assertEquals(Errno.EBUSY, assertThrows(FtraceException.class, () -> LivePatch.replace(
                    "org.jftrace.it.flags.FlagTargets.plusOne", "org.jftrace.it.flags.FlagTargets.work")).errno());
            assertEquals(List.of(p), LivePatch.active());
        } finally {
            p.undo();
        }
        assertEquals(8, FlagTargets.plusOne(7));
        assertTrue(LivePatch.active().isEmpty());
        FtraceException sig = assertThrows(FtraceException.class, () -> LivePatch.replace(DEPOSIT,
                "org.jftrace.it.flags.FlagTargets$Fixes.wrong"));
        assertEquals(Errno.EINVAL, sig.errno());
        FtraceException ctor = assertThrows(FtraceException.class, () -> LivePatch.replace(
                "org.jftrace.it.flags.FlagTargets$Account.<init>", FIX));
        assertEquals(Errno.EINVAL, ctor.errno());
        assertTrue(ctor.getMessage().contains("constructor"), ctor.getMessage());
    }
}
