package org.jftrace.internal.dispatch;

import org.jftrace.internal.boot.HookTarget;

/** The static-call hook's target for a method with several ops: each one's trampoline, newest first. */
public final class ListTarget extends HookTarget {
    private final Trampoline[] trampolines;

    public ListTarget(Trampoline[] trampolines) {
        this.trampolines = trampolines;
    }

    @Override
    public Object enterRegs(long ip, Object receiver, long[] prims, Object[] refs) {
        return Dispatch.enterRegs(trampolines, ip, receiver, prims, refs);
    }

    @Override
    public void enter(long ip) {
        for (Trampoline t : trampolines) {
            t.enter(ip);
        }
    }
}
