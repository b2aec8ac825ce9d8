package org.jftrace.tracers.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jftrace.tracers.ring.KeptClaims;

/**
 * A {@link FunctionProfiler}'s counters: a fixed set of {@link ProfileStripe}s (the kernel's per-CPU
 * {@code ftrace_profile_stat}s). A writer adds to the stripe its thread id hashes to, kept while it
 * lives when it may ({@link KeptClaims}, as a ring buffer's writer keeps its buffer), else the next
 * free one; readers never claim a stripe, and merge.
 */
final class ProfileCounters {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final ProfileStripe[] stripes;
    /** Which stripes are kept by their threads: at most half, by platform threads. */
    private final KeptClaims keeping;
    private final int mask;
    private final boolean perThread;

    /**
     * @param stripes  how many (a power of two)
     * @param slots    each stripe's first table (a power of two)
     * @param maxSlots the most slots a stripe's table grows to
     */
    ProfileCounters(int stripes, int slots, int maxSlots, boolean perThread) {
        this.stripes = new ProfileStripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ProfileStripe(slots, maxSlots);
        }
        this.mask = stripes - 1;
        this.keeping = new KeptClaims(stripes);
        this.perThread = perThread;
    }

    private int home(long tid) {
        return (int) ((tid * GOLDEN) >>> 40) & mask;
    }

    /**
     * Adds one call of {@code ip} by thread {@code tid} (the caller), lasting {@code nanos}, to its
     * home stripe (kept while the thread lives when it may), or the next free one. Allocates
     * nothing. The same steps as {@code RingBuffer.writeClocked}'s, written out in each: one shared
     * method returning the claim's index and kind cost 8-13 ns more per call in the one-method rows
     * (BENCHMARKS.md, "The profiler: kept stripes").
     */
    void add(long ip, long tid, long nanos) {
        final Thread thread = Thread.currentThread();
        final ProfileStripe[] s = stripes;
        final int m = mask;
        final int home = home(tid);
        final long key = perThread ? tid : 0;
        final long d = Math.max(0, nanos);
        final ProfileStripe hs = s[home];
        if (hs.keptBy(thread)) {
            hs.add(ip, key, d); // its own: no claim
            return;
        }
        if (hs.tryClaim()) {
            if (keeping.tryKeep(hs, thread)) {
                hs.add(ip, key, d);
                return;
            }
            try {
                hs.add(ip, key, d);
            } finally {
                hs.release();
            }
            return;
        }
        if (hs.takeOverFromEnded(thread)) { // its keeper ended: kept by this thread from now on
            hs.add(ip, key, d);
            return;
        }
        for (int k = 1; k <= m; k++) {
            final ProfileStripe p = s[(home + k) & m];
            if (p.tryClaim()) {
                try {
                    p.add(ip, key, d);
                } finally {
                    p.release();
                }
                return;
            }
        }
        hs.countBusyLost();
    }

    /** Counts a call of thread {@code tid} that could not be counted (no thread slot for its self time). */
    void countBusyLost(long tid) {
        stripes[home(tid)].countBusyLost();
    }

    /** Zeroes every count; writers go on meanwhile. */
    void reset() {
        keeping.unkeepEnded(stripes);
        for (ProfileStripe p : stripes) {
            p.requestReset();
        }
    }

    /** {@return calls not counted} */
    long lost() {
        long l = 0;
        for (ProfileStripe p : stripes) {
            l += p.lost();
        }
        return l;
    }

    /**
     * Copies every stripe (no claim: a writer never waits for a reader); keyed by (ip, tid) when
     * {@code byThread}, else by ip. Frees the stripes of keepers that have ended.
     */
    List<FunctionStat> collect(boolean byThread) {
        keeping.unkeepEnded(stripes);
        Map<List<Long>, FunctionStat> merged = new HashMap<>();
        for (ProfileStripe p : stripes) {
            p.forEach(w -> {
                long tid = byThread ? w[ProfileStripe.TID] : 0;
                FunctionStat s = new FunctionStat(w[ProfileStripe.IP], tid, w[ProfileStripe.HITS],
                        w[ProfileStripe.TIME], FunctionStat.unsigned128(w[ProfileStripe.SQ_HI], w[ProfileStripe.SQ_LO]));
                merged.merge(List.of(s.ip(), tid), s, (a, b) -> a.plus(b, tid));
            });
        }
        return new ArrayList<>(merged.values());
    }

    /** {@return the slots of stripe {@code i}'s current table} (for tests) */
    int slots(int i) {
        return stripes[i].slots();
    }

    /** {@return how many stripes are kept by their threads now} (for tests) */
    int kept() {
        return keeping.kept();
    }
}
