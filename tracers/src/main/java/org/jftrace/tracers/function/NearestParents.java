package org.jftrace.tracers.function;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.tracers.graph.PerThreadSlots;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;

/**
 * The function tracer's handlers with {@link ParentMode#NEAREST}: an exit-hook ops whose entry
 * writes the event with the thread's innermost open traced call as parent, and makes itself the
 * innermost. Per thread one {@link PerThreadSlots} slot, held while the thread has a traced call
 * open: value 0 the innermost call's ip, value 1 the depth of the outermost. The entry returns the
 * previous innermost as the call's data (kept on the traced frame by the exit hook, the kernel's
 * return stack) and the exit puts it back: no stack of our own, nothing allocated.
 *
 * <p>A thread that finds no free slot (more than {@link #SLOTS} threads inside traced calls at
 * once) has its event written without a parent ({@code <-?}).
 */
final class NearestParents {
    /** How many threads can be inside traced calls at once with a nearest parent. */
    static final int SLOTS = 4096;

    private final RingBuffer ring;
    private final ThreadFilterCheck filter;
    private final PerThreadSlots slots = new PerThreadSlots(SLOTS);

    /** The thread filter, read per call (null: every thread). */
    interface ThreadFilterCheck {
        /** {@return whether the current thread is traced} */
        boolean traced();
    }

    NearestParents(RingBuffer ring, ThreadFilterCheck filter) {
        this.ring = ring;
        this.filter = filter;
    }

    @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
    private static long tid() {
        return Thread.currentThread().getId();
    }

    long entry(long ip, long parentIp, int depth, FgraphOps g) {
        if (!filter.traced()) {
            return FgraphOps.NO_EXIT;
        }
        final PerThreadSlots s = slots;
        final long tid = tid();
        int slot = s.find(tid);
        final long parent;
        if (slot < 0) {
            slot = s.claim(tid);
            if (slot < 0) {
                ring.write(EventLayout.KIND_FUNCTION, 0, 0, ip, Ftrace.UNKNOWN_IP, 0, 0);
                return FgraphOps.NO_EXIT;
            }
            s.set(slot, 1, depth);
            parent = Ftrace.UNKNOWN_IP;
        } else {
            parent = s.get(slot, 0);
        }
        s.set(slot, 0, ip);
        ring.write(EventLayout.KIND_FUNCTION, EventLayout.FLAG_PARENT_NEAREST, 0, ip, parent, 0, 0);
        return parent;
    }

    void exit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        final PerThreadSlots s = slots;
        final int slot = s.find(tid());
        if (slot < 0) {
            return;
        }
        if (depth == s.get(slot, 1)) {
            s.release(slot); // the outermost traced call returned: nothing open any more
        } else {
            s.set(slot, 0, data); // the caller's innermost again
        }
    }
}
