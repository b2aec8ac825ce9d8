package org.jftrace.internal.dispatch;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;

import org.jftrace.FtraceOps;

/**
 * PER_CPU ids: the index of an ops' counter in every thread's counter array. An id is reused once
 * its ops has been collected (an ops is held strongly while registered, so a collected one has no
 * hook left), after every thread's counter at that index is reset: the arrays stay as long as the
 * most PER_CPU ops ever alive at once, not as the number ever made.
 */
final class PerCpuIds {
    private static final ReferenceQueue<FtraceOps> GONE = new ReferenceQueue<>();
    private static final ArrayDeque<Integer> FREE = new ArrayDeque<>();
    /** The claims not yet returned: a reference object must stay reachable to be enqueued. */
    private static final java.util.Set<Claim> OUT = new java.util.HashSet<>();
    private static int next;

    /** An ops' id, returned to the pool when the ops is collected. */
    static final class Claim extends WeakReference<FtraceOps> {
        final int id;

        private Claim(FtraceOps ops, int id) {
            super(ops, GONE);
            this.id = id;
        }
    }

    private PerCpuIds() {
    }

    /** {@return a claim on a free id for {@code ops}} Frees the ids of collected ops first. */
    static synchronized Claim claim(FtraceOps ops) {
        for (Object gone = GONE.poll(); gone != null; gone = GONE.poll()) {
            OUT.remove(gone);
            int id = ((Claim) gone).id;
            ThreadGuard.resetPerCpu(id);
            FREE.push(id);
        }
        Integer id = FREE.poll();
        Claim c = new Claim(ops, id != null ? id : next++);
        OUT.add(c);
        return c;
    }

    /** {@return how many ids were ever handed out: the length every thread's array may grow to} */
    static synchronized int highWater() {
        return next;
    }
}
