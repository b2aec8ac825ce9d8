package org.jftrace.bench;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/** The callbacks of the flag rows (SAVE_REGS, IPMODIFY, PER_CPU variants of {@link Variant}). */
public final class FlagFuncs {
    private FlagFuncs() {
    }

    /**
     * SAVE_REGS: reads arguments 0 and 1 (boxed by {@link Regs#arg}) and folds them into a field, so
     * that the reads cannot be dropped; no allocation of its own (whether the boxes are allocated is
     * up to the hook and escape analysis: the row's gc.alloc.rate.norm tells).
     */
    public static final class ReadTwoArgs implements FtraceFunc {
        public int sink;

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            sink ^= ((Integer) regs.arg(0)).intValue() + ((Integer) regs.arg(1)).intValue();
        }
    }

    /** SAVE_REGS: rewrites argument 0 to a constant box (no allocation of its own). */
    public static final class SetArg0 implements FtraceFunc {
        /** The value argument 0 is rewritten to (a preallocated box). */
        public static final Integer VALUE = Integer.valueOf(424_242);

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            regs.setArg(0, VALUE);
        }
    }

    /** IPMODIFY: redirects every call to the method {@code target} (an ip looked up once at set-up). */
    public static final class Redirect implements FtraceFunc {
        private final long target;

        public Redirect(long target) {
            this.target = target;
        }

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            regs.setIp(target);
        }
    }

    /** Set-up probe: counts its calls and remembers the last thread that ran it. */
    public static final class ThreadProbe implements FtraceFunc {
        public volatile long hits;
        public volatile Thread last;

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            hits++;
            last = Thread.currentThread();
        }
    }
}
