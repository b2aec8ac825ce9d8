package org.jftrace.bench;

import org.jftrace.FgraphEntryFunc;
import org.jftrace.FgraphOps;
import org.jftrace.FgraphRetFunc;
import org.jftrace.FtraceOps;

/**
 * Exit-hook ops of the exit rows. Typed as Object where {@link Variant} sees them, so that the host
 * JVM verifies Variant without the jftrace API (see there).
 */
public final class GraphFuncs {
    private GraphFuncs() {
    }

    /** Empty handlers; the exit counts into a plain field, read only by set-up. */
    static final class Empty implements FgraphEntryFunc, FgraphRetFunc {
        long exits;

        @Override
        public long entry(long ip, long parentIp, int depth, FgraphOps gops) {
            return 0L;
        }

        @Override
        public void ret(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps gops) {
            exits++;
        }
    }

    /** The clock at entry, the duration added at exit: as {@link TargetLimitTiming} by hand. */
    static final class Timing implements FgraphEntryFunc, FgraphRetFunc {
        long exits;
        long nanos;

        @Override
        public long entry(long ip, long parentIp, int depth, FgraphOps gops) {
            return System.nanoTime();
        }

        @Override
        public void ret(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps gops) {
            nanos += System.nanoTime() - data;
            exits++;
        }
    }

    /** {@return an FgraphOps with empty handlers} */
    static Object empty(String name, boolean safe) {
        Empty e = new Empty();
        return FgraphOps.builder(e, e).name(name).flags(safe ? new FtraceOps.Flag[] {FtraceOps.Flag.RECURSION_SAFE}
                : new FtraceOps.Flag[0]).build();
    }

    /** {@return a timing FgraphOps, RECURSION_SAFE} */
    static Object timing(String name) {
        Timing t = new Timing();
        return FgraphOps.builder(t, t).name(name).flags(FtraceOps.Flag.RECURSION_SAFE).build();
    }

    static FtraceOps opsOf(Object graph) {
        return ((FgraphOps) graph).ops();
    }

    static long exits(Object graph) {
        Object f = ((FgraphOps) graph).retFunc();
        return f instanceof Timing t ? t.exits : ((Empty) f).exits;
    }
}
