package org.jftrace.internal.hook;

import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;

/**
 * What a trampoline runs for one ops on one call: the kernel's {@code ftrace_ops_assist_func}
 * (recursion, RCU and per-CPU checks) folded with the direct call. {@code mode} is a constant in
 * each generated trampoline, so once the JIT inlines this into the traced method only the checks
 * that ops asked for remain; {@code f} is a constant bound into the call site, so the callback is
 * inlined too.
 */
final class Dispatch {
    static final int GUARD = 1;
    static final int PARENT = 2;
    static final int PER_CPU = 4;
    static final int RCU = 8;
    static final int REGS = 16;
    /** Number of trampoline classes' modes: the bits above are fixed per ops. */
    static final int MODES = 32;
    /**
     * Link-time bit ({@link OpsState#linkMode()}), not part of a trampoline class's mode: PER_CPU
     * with more than one thread enabled at some time, so the check looks up the thread's counter.
     * Without it the check is one compare with the only enabled thread.
     */
    static final int PER_CPU_MANY = 32;

    private Dispatch() {
    }

    static int modeOf(FtraceOps ops) {
        int mode = 0;
        if (!ops.has(FtraceOps.Flag.RECURSION_SAFE)) {
            mode |= GUARD;
        }
        if (ops.has(FtraceOps.Flag.PARENT_IP)) {
            mode |= PARENT;
        }
        if (ops.has(FtraceOps.Flag.PER_CPU)) {
            mode |= PER_CPU;
        }
        if (ops.has(FtraceOps.Flag.RCU)) {
            mode |= RCU;
        }
        if (ops.has(FtraceOps.Flag.SAVE_REGS)) {
            mode |= REGS;
        }
        return mode;
    }

    /**
     * Calls {@code f} unless a check refuses. The order is the kernel's: recursion (and the
     * per-thread state it needs) first, then RCU, then the per-CPU counter.
     *
     * @param regs the call's registers when the hook saved them, else null; passed on only with REGS
     */
    static void call(FtraceFunc f, long ip, FtraceOps op, OpsState s, RegsImpl regs, int mode) {
        if (!s.live) {
            return;
        }
        // PER_CPU with at most one enabled thread: no per-thread lookup, no trap (both outcomes trained in warm-up).
        if ((mode & (PER_CPU | PER_CPU_MANY)) == PER_CPU && Thread.currentThread() != s.perCpuOnly) {
            return;
        }
        ThreadGuard g = null;
        if ((mode & (GUARD | PER_CPU_MANY | RCU)) != 0) {
            g = ThreadGuard.current(); // REFUSED while this thread's guard is being made: every check below refuses
            if ((mode & GUARD) != 0) {
                if (g.busy) {
                    return; // recursion: the call is lost, the traced method runs
                }
                g.busy = true;
            }
        }
        try {
            if ((mode & RCU) != 0 && !(Rcu.watching && g.watching)) {
                return;
            }
            if ((mode & PER_CPU_MANY) != 0 && !g.perCpuEnabled(s.perCpuId)) {
                return;
            }
            if (regs != null) {
                regs.current = s;
            }
            f.call(ip, (mode & PARENT) != 0 ? ParentIps.find(ip) : Ftrace.UNKNOWN_IP, op,
                    (mode & REGS) != 0 ? regs : null);
        } catch (Throwable t) {
            if ((mode & GUARD) != 0) {
                s.failed(ip, t);
            } else {
                failedUnguarded(ip, s, t);
            }
        } finally {
            if (regs != null) {
                regs.current = null;
            }
            if ((mode & GUARD) != 0) {
                g.busy = false;
            }
        }
    }

    /** Reports a RECURSION_SAFE callback's failure under the guard, so reporting cannot recurse. */
    private static void failedUnguarded(long ip, OpsState s, Throwable t) {
        final ThreadGuard g = ThreadGuard.current();
        if (g.busy) {
            return;
        }
        g.busy = true;
        try {
            s.failed(ip, t);
        } finally {
            g.busy = false;
        }
    }

    /** Entry of a regs hook: makes the registers, runs each ops (newest first), says what changed. */
    static Object enterRegs(Trampoline[] trampolines, long ip, Object receiver, Object[] args) {
        RegsImpl regs = new RegsImpl(ip, receiver, args);
        for (Trampoline t : trampolines) {
            t.enterWithRegs(ip, regs);
        }
        return regs.result();
    }
}
