package org.jftrace.tracers.function;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.tracers.graph.PerThreadSlots;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;

/**
 * The function tracer's handlers with {@link ParentMode#NEAREST}: an exit-hook ops whose entry
 * writes the event with the thread's innermost open traced call as parent, and makes itself the
 * innermost. Per thread one {@link PerThreadSlots} slot: value 0 the innermost call's ip, value 1
 * the depth of the outermost open call plus one (0: none open). The entry returns the previous
 * innermost as the call's data (kept on the traced frame by the exit hook, the kernel's return
 * stack) and the exit puts it back: no stack of our own, nothing allocated. The thread keeps its slot
 * while it lives ({@link PerThreadSlots#keep}), found again with plain reads: a claim and a release
 * per outermost call cost three atomic operations, two of them on a count every thread shares.
 *
 * <p>A thread that finds no slot (the eight around its home kept by live threads that made traced
 * calls: with {@link #SLOTS} slots, thousands of such threads at once) has its event written
 * without a parent ({@code <-?}).
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
        final int slot = s.keep(Thread.currentThread(), tid);
        if (slot < 0) {
            ring.write(EventLayout.KIND_FUNCTION, 0, 0, ip, Ftrace.UNKNOWN_IP, 0, 0);
            return FgraphOps.NO_EXIT;
        }
        final long parent;
        if (s.get(slot, 1) == 0) { // no traced call open: this is the outermost
            s.set(slot, 1, depth + 1L);
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
        if (depth + 1L == s.get(slot, 1)) {
            s.set(slot, 1, 0); // the outermost traced call returned: nothing open any more (the slot stays ours)
        } else {
            s.set(slot, 0, data); // the caller's innermost again
        }
    }
}
