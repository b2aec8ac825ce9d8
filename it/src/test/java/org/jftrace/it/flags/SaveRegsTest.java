package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;
import org.junit.jupiter.api.Test;

/** SAVE_REGS and SAVE_REGS_IF_SUPPORTED in the test JVM (started with the agent). */
class SaveRegsTest {

    private static void withOps(FtraceOps ops, String filter, Runnable body) {
        Ftrace.ftraceSetFilter(ops, filter, true);
        Ftrace.registerFtraceFunction(ops);
        try {
            body.run();
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
    }

    @Test
    void readsAndRewritesEveryJvmTypeInAUserClass() {
        FlagTargets.allTypes(false, (byte) 0, 'a', (short) 0, 0, 0, 0, 0, "", null); // loaded
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            for (int i = 0; i < regs.argCount(); i++) {
                seen.add(regs.arg(i));
            }
            assertNull(regs.receiver());
            regs.setArg(0, Boolean.TRUE);
            regs.setArg(1, (byte) -7);
            regs.setArg(2, 'Z');
            regs.setArg(3, (short) 30000);
            regs.setArg(4, Integer.MIN_VALUE);
            regs.setArg(5, Long.MAX_VALUE);
            regs.setArg(6, 0.25f);
            regs.setArg(7, -1e300);
            regs.setArg(8, "new");
            regs.setArg(9, new int[5]);
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        String[] out = new String[1];
        withOps(ops, "org.jftrace.it.flags.FlagTargets.allTypes", () ->
                out[0] = FlagTargets.allTypes(false, (byte) 1, 'c', (short) 2, 3, 4L, 5.5f, 6.5, "old", new int[2]));
        assertEquals("true|-7|Z|30000|-2147483648|9223372036854775807|0.25|-1.0E300|new|5", out[0]);
        assertEquals(List.of(false, (byte) 1, 'c', (short) 2, 3, 4L, 5.5f, 6.5, "old"), seen.subList(0, 9));
        assertEquals(0, Ftrace.callbackErrors(ops));
    }

    @Test
    void receiverAndArgumentsOfAnInstanceMethod() {
        FlagTargets.Account acct = new FlagTargets.Account("ann", 100);
        AtomicReference<Object> receiver = new AtomicReference<>();
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            receiver.set(regs.receiver());
            regs.setArg(0, (Long) regs.arg(0) * 10);
        }).withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
        long[] r = new long[1];
        withOps(ops, "org.jftrace.it.flags.FlagTargets$Account.deposit", () -> r[0] = acct.deposit(5, 2));
        assertSame(acct, receiver.get());
        assertEquals(200, r[0]); // 100 + (5*10)*2
    }

    @Test
    void constructorReceiverIsNullButArgumentsAreRewritable() {
        new FlagTargets.Account("x", 0);
        AtomicReference<Object> receiver = new AtomicReference<>("unset");
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            receiver.set(regs.receiver());
            if ("bob".equals(regs.arg(0))) {
                regs.setArg(0, "robert");
            }
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        FlagTargets.Account[] a = new FlagTargets.Account[1];
        withOps(ops, "org.jftrace.it.flags.FlagTargets$Account.<init>", () -> a[0] = new FlagTargets.Account("bob", 1));
        assertNull(receiver.get(), "receiver before super() is not readable");
        assertEquals("robert", a[0].owner);
    }

    @Test
    void readsAndRewritesArgumentsOfAJdkMethod() {
        // java.util.Collections.nCopies(int, Object): a JDK (boot loader) method with a primitive and a reference.
        Object marker = new Object();
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            if (regs.arg(1) == marker) {
                seen.add(regs.arg(0));
                regs.setArg(0, 5);
                regs.setArg(1, "swapped");
            }
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        List<?>[] out = new List<?>[1];
        withOps(ops, "java.util.Collections.nCopies", () -> out[0] = Collections.nCopies(2, marker));
        assertEquals(List.of(2), seen);
        assertEquals(Collections.nCopies(5, "swapped"), out[0]);
    }

    @Test
    void aWriteThatDoesNotFitIsRefusedWhenSetAndTheMethodSeesTheOriginal() {
        FlagTargets.plusOne(1);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            try {
                regs.setArg(0, "not an int");
            } catch (FtraceException e) {
                errors.add(e);
            }
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        int[] r = new int[1];
        withOps(ops, "org.jftrace.it.flags.FlagTargets.plusOne", () -> r[0] = FlagTargets.plusOne(41));
        assertEquals(42, r[0]);
        assertEquals(1, errors.size());
        assertEquals(Errno.EINVAL, ((FtraceException) errors.get(0)).errno());
    }

    @Test
    void withoutSaveRegsRegsIsNullAndSoWithSaveRegsIfSupportedAlone() {
        FlagTargets.work(1);
        for (FtraceOps.Flag[] flags : new FtraceOps.Flag[][] {{}, {FtraceOps.Flag.SAVE_REGS_IF_SUPPORTED}}) {
            List<Regs> seen = Collections.synchronizedList(new ArrayList<>());
            int[] calls = new int[1];
            FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
                calls[0]++;
                seen.add(regs);
            }).withFlags(flags);
            withOps(ops, "org.jftrace.it.flags.FlagTargets.work", () -> FlagTargets.work(2));
            assertEquals(1, calls[0]);
            assertNull(seen.get(0));
        }
    }

    @Test
    void theHookShapeFollowsTheFlagsOfTheEnabledOps() {
        FlagTargets.work(1);
        List<Regs> plainSaw = Collections.synchronizedList(new ArrayList<>());
        List<Regs> regsSaw = Collections.synchronizedList(new ArrayList<>());
        FtraceOps plain = FtraceOps.of((ip, parent, op, regs) -> plainSaw.add(regs));
        FtraceOps withRegs = FtraceOps.of((ip, parent, op, regs) -> regsSaw.add(regs))
                .withFlags(FtraceOps.Flag.SAVE_REGS);
        Ftrace.ftraceSetFilter(plain, "org.jftrace.it.flags.FlagTargets.work", true);
        Ftrace.ftraceSetFilter(withRegs, "org.jftrace.it.flags.FlagTargets.work", true);
        Ftrace.registerFtraceFunction(plain);
        try {
            FlagTargets.work(1);
            Ftrace.registerFtraceFunction(withRegs); // the method switches to the regs hook
            try {
                FlagTargets.work(2);
                assertTrue(Ftrace.enabledFunctions().stream().anyMatch(f -> f.function().name()
                        .equals("org.jftrace.it.flags.FlagTargets.work") && f.opsCount() == 2
                        && f.flags().contains(FtraceOps.Flag.SAVE_REGS)));
            } finally {
                Ftrace.unregisterFtraceFunction(withRegs); // and back
            }
            FlagTargets.work(3);
        } finally {
            Ftrace.unregisterFtraceFunction(plain);
        }
        assertEquals(3, plainSaw.size());
        plainSaw.forEach(r -> assertNull(r, "an ops without SAVE_REGS never gets regs"));
        assertEquals(1, regsSaw.size());
        assertEquals(2, regsSaw.get(0).arg(0));
    }

    @Test
    void regsOutsideIndexIsAnIndexError() {
        FlagTargets.work(1);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            errors.add(assertThrows(IndexOutOfBoundsException.class, () -> regs.setArg(1, 1)));
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        withOps(ops, "org.jftrace.it.flags.FlagTargets.work", () -> assertEquals(9, FlagTargets.work(3)));
        assertEquals(1, errors.size());
    }
}
