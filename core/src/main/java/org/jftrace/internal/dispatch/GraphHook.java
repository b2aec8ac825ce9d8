package org.jftrace.internal.dispatch;

import org.jftrace.internal.boot.GraphTarget;

/**
 * The exit-hook target of one set of exit-hook ops; {@link GraphSets} generates one subclass per set
 * ({@code GraphHook$N}), whose {@code enter} and {@code exit} call each ops' handlers with the ops,
 * its handlers and its trampoline class bound as static final constants, so that the JIT calls the
 * handlers directly: no table of ops, no type check per ops. The handlers run inside the ops'
 * trampoline class ({@code Trampoline$K.gEnter/gExit}), so that unregister's grace period sees
 * them as it sees a callback.
 *
 * <p>A method's frame keeps the target it entered with, so its exits go to the ops its entry went
 * to; an ops unregistered meanwhile is not live and skipped. A set whose ops went is retired
 * ({@link GraphSets#retire}): never handed out again, so a re-registered ops gets a new set bound to
 * its new trampoline.
 *
 * <p>The depth lives in the thread's {@link ThreadGuard} object; the frame keeps the value
 * {@link #push} returned and {@link #pop} writes it back, so a lost exit (an exception from a
 * superclass constructor) cannot leave it wrong past the next exit below.
 */
public abstract class GraphHook extends GraphTarget {
    /** The set, in slot order. */
    final LiveOps[] ops;

    protected GraphHook(LiveOps[] ops) {
        this.ops = ops;
    }

    @Override
    public final int push() {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        return g == ThreadGuard.REFUSED ? 0 : g.graphDepth++;
    }

    @Override
    public final void pop(int depth) {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        if (g != ThreadGuard.REFUSED) {
            g.graphDepth = depth;
        }
    }

    boolean has(LiveOps s) {
        return HookSite.contains(ops, s);
    }
}
