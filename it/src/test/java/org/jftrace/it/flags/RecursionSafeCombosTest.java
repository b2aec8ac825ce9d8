package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RECURSION_SAFE with each other flag: the flag keeps working, and the callback, which calls the
 * traced method once more from inside, is re-entered exactly when RECURSION_SAFE is set.
 */
class RecursionSafeCombosTest {

    public static int traced(int depth) {
        return depth;
    }

    public static int replacement(int depth) {
        return depth + 1000;
    }

    enum Combo {
        PLAIN, SAVE_REGS, IPMODIFY, PER_CPU, RCU, PARENT_IP
    }

    @ParameterizedTest
    @EnumSource(Combo.class)
    void guardedAndRecursionSafe(Combo combo) {
        check(combo, false);
        check(combo, true);
    }

    private static void check(Combo combo, boolean recursionSafe) {
        traced(0);
        replacement(0);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger regsSeen = new AtomicInteger();
        AtomicInteger parentsSeen = new AtomicInteger();
        long replacementIp = Ftrace.lookupIp("org.jftrace.it.flags.RecursionSafeCombosTest.replacement");
        FtraceOps ops = FtraceOps.of((ip, parent, op, regs) -> {
            int n = calls.incrementAndGet();
            if (regs != null) {
                regsSeen.incrementAndGet();
            }
            if (parent != Ftrace.UNKNOWN_IP) {
                parentsSeen.incrementAndGet();
            }
            if (n == 1) {
                traced(1); // recursion: re-enters the callback only with RECURSION_SAFE
            }
            if (combo == Combo.IPMODIFY && (Integer) regs.arg(0) == 0) {
                regs.setIp(replacementIp);
            }
        }).withFlags(flags(combo, recursionSafe));
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.RecursionSafeCombosTest.traced", true);
        Ftrace.registerFtraceFunction(ops);
        int result;
        try {
            if (combo == Combo.PER_CPU) {
                Ftrace.ftraceFunctionLocalEnable(ops);
            }
            result = traced(0);
            if (combo == Combo.PER_CPU) {
                Ftrace.ftraceFunctionLocalDisable(ops);
                traced(0); // disabled again: no callback
            }
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        String what = combo + (recursionSafe ? " | RECURSION_SAFE" : "");
        assertEquals(recursionSafe ? 2 : 1, calls.get(), what + ": callback calls");
        assertEquals(combo == Combo.IPMODIFY ? 1000 : 0, result, what + ": result");
        if (combo == Combo.SAVE_REGS || combo == Combo.IPMODIFY) {
            assertEquals(calls.get(), regsSeen.get(), what + ": regs on every call");
        }
        if (combo == Combo.PARENT_IP) {
            assertEquals(calls.get(), parentsSeen.get(), what + ": parent on every call");
        }
        assertEquals(0, Ftrace.callbackErrors(ops), what);
    }

    private static Flag[] flags(Combo combo, boolean recursionSafe) {
        java.util.List<Flag> f = new java.util.ArrayList<>();
        switch (combo) {
            case SAVE_REGS: f.add(Flag.SAVE_REGS); break;
            case IPMODIFY: f.add(Flag.SAVE_REGS); f.add(Flag.IPMODIFY); break;
            case PER_CPU: f.add(Flag.PER_CPU); break;
            case RCU: f.add(Flag.RCU); break;
            case PARENT_IP: f.add(Flag.PARENT_IP); break;
            default: break;
        }
        if (recursionSafe) {
            f.add(Flag.RECURSION_SAFE);
        }
        return f.toArray(new Flag[0]);
    }
}
