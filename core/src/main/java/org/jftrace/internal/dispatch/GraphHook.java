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
 * <p>The depth lives in the recursion guard's per-slot table (found without a call), or for a
 * thread without a slot in its {@link ThreadGuard} object; the frame keeps the value
 * {@link #push} returned and {@link #pop} writes it back, so a lost exit (an exception from a
 * superclass constructor) cannot leave it wrong past the next exit below.
 */
public abstract class GraphHook extends GraphTarget {
    /** The set, in slot order. */
    final LiveOps[] ops;

    protected GraphHook(LiveOps[] ops) {
        this.ops = ops;
    }

    /**
     * Opens a call: {@return the frame word, {@code slot << 16 | depth}} kept by the frame and handed
     * back to {@link #pop}, so that closing needs no look-up. Call-free where the thread holds its
     * home slot of the guard's table (its depth is {@code ThreadGuard.DEPTH[slot]}; a thread keeps
     * its slot while its depth is above 0). The handlers see {@code word & DEPTH_MASK}.
     */
    @Override
    public final int push() {
        final int slot = ThreadGuard.slot();
        if (slot != ThreadGuard.OVERFLOW && WORD_SLOTS) {
            final int d = ThreadGuard.DEPTH[slot & ThreadGuard.MASK]++; // the mask lets the JIT drop the bounds check
            return slot << 16 | Math.min(d, DEPTH_MASK);
        }
        return SPILLED << 16 | Math.min(pushSpilled(), DEPTH_MASK);
    }

    @Override
    public final void pop(int word) {
        final int slot = word >>> 16;
        if (slot != SPILLED) {
            ThreadGuard.depthBack(slot, word & DEPTH_MASK);
            return;
        }
        popSpilled(word & DEPTH_MASK);
    }

    /** The depth bits of a frame word; a deeper call reports this much. */
    static final int DEPTH_MASK = 0xFFFF;
    /** The slot bits of a frame word that say "no slot: the per-thread object". */
    static final int SPILLED = 0x7FFF;
    /** Whether every slot fits the word's 15 slot bits (jftrace.threadSlots up to 16,384 does). */
    private static final boolean WORD_SLOTS = ThreadGuard.OVERFLOW < SPILLED;

    /** A thread with no slot near its home keeps its depth in its per-thread object (kept in the spill). */
    private static int pushSpilled() {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        return g == ThreadGuard.REFUSED ? 0 : g.graphDepth++;
    }

    private static void popSpilled(int depth) {
        final ThreadGuard g = ThreadGuard.ofCurrentThread();
        if (g != ThreadGuard.REFUSED) {
            g.graphDepth = depth;
        }
    }

    boolean has(LiveOps s) {
        return HookSite.contains(ops, s);
    }
}
