package org.jftrace.internal.dispatch;

import java.util.Arrays;

import org.jftrace.internal.boot.GraphTarget;

/**
 * The exit-hook target of one method: its exit-hook ops as they were when it was made, each through
 * its own trampoline (so that unregister's grace period sees handlers running). A new one is made
 * when the method's exit-hook ops change; a frame keeps the one it entered with, so its exits go to
 * the ops its entry went to, and an ops that went meanwhile is skipped (not live).
 *
 * <p>The depth lives in the thread's {@link ThreadGuard} object; the frame keeps the value
 * {@link #push} returned and {@link #pop} sets it back, so a lost exit (an exception from a
 * superclass constructor) cannot leave it wrong past the next exit below.
 */
final class GraphHook extends GraphTarget {
    final LiveOps[] ops;
    private final Trampoline[] trampolines;

    GraphHook(LiveOps[] ops) {
        this.ops = ops;
        this.trampolines = new Trampoline[ops.length];
        for (int i = 0; i < ops.length; i++) {
            trampolines[i] = ops[i].trampoline;
        }
    }

    boolean sameOps(LiveOps[] other) {
        return Arrays.equals(ops, other);
    }

    @Override
    public int push() {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        return g == ThreadGuard.REFUSED ? 0 : g.graphDepth++;
    }

    @Override
    public void pop(int depth) {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        if (g != ThreadGuard.REFUSED) {
            g.graphDepth = depth;
        }
    }

    @Override
    public long enter(long ip, int depth, int slot) {
        final Trampoline[] t = trampolines;
        return slot < t.length ? t[slot].graphEnter(ip, depth) : NO_EXIT;
    }

    @Override
    public void exit(long ip, int depth, int slot, long data, int how, Object value, long bits) {
        final Trampoline[] t = trampolines;
        if (data != NO_EXIT && slot < t.length) {
            t[slot].graphExit(ip, depth, data, how, value, bits);
        }
    }
}
