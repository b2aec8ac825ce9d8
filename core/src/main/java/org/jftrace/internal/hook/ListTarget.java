package org.jftrace.internal.hook;

import org.jftrace.internal.boot.HookTarget;

/** The static-call hook's target for a method with several ops: each one's trampoline, newest first. */
final class ListTarget extends HookTarget {
    private final Trampoline[] trampolines;

    ListTarget(Trampoline[] trampolines) {
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
