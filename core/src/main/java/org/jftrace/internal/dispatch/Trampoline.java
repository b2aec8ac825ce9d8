package org.jftrace.internal.dispatch;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.internal.boot.HookTarget;

/**
 * One registered ops' entry into dispatch: ftrace's per-ops trampoline. Each live ops gets a
 * generated subclass {@code Trampoline$N_mode} of its own (see {@link TrampolinePool}), whose static
 * {@code call(FtraceFunc, long, FtraceOps, LiveOps, int linkMode)} and {@code callRegs(..., RegsImpl)} are what
 * hook sites reach, with the ops' dispatch mode as a constant. Because that frame belongs to this
 * ops alone, {@link Quiescence} can tell from a thread's stack whether the thread is inside this
 * ops' callback, and hooked calls pay nothing to be tracked (RCU-tasks, not a per-call counter).
 *
 * <p>Static-call hook sites (boot and platform classes) reach the same frames through
 * {@link #enter(long)} and {@link #enterWithRegs}, which the generated subclass implements.
 */
public abstract class Trampoline extends HookTarget {
    protected final FtraceFunc func;
    protected final FtraceOps ops;
    protected final LiveOps state;

    protected Trampoline(FtraceFunc func, FtraceOps ops, LiveOps state) {
        this.func = func;
        this.ops = ops;
        this.state = state;
    }

    /** Runs this ops' callback with registers {@code regs}. */
    abstract void enterWithRegs(long ip, RegsImpl regs);

    @Override
    public Object enterRegs(long ip, Object receiver, long[] prims, Object[] refs) {
        return Dispatch.enterRegs(new Trampoline[] {this}, ip, receiver, prims, refs);
    }
}
