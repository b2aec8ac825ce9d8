package org.jftrace.bench.macro;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/**
 * The macro benchmark's jftrace rows: one ops whose callback does what the limit's hook does
 * ({@code n++} on a static field), set on a pending filter before the compiler loads; row exits
 * an exit-hook ops counting entries and exits. Loaded only in
 * those rows, where the agent puts the API on the class path.
 */
final class CountingOps implements FtraceFunc {
    static long n;

    private final FtraceOps ops;

    /** Exits counted by the exit-hook row (its entries count into {@link #n}). */
    static long exits;

    private CountingOps(FtraceOps ops) {
        this.ops = ops;
    }

    /**
     * Registers an exit-hook ops (RECURSION_SAFE) on {@code filter}: the entry handler counts
     * ({@code n++}) and returns 0, so every exit runs; the return handler counts too.
     */
    static CountingOps registerExits(String filter) {
        FtraceOps o = FgraphOps.builder((ip, parentIp, depth, g) -> {
            n++;
            return 0L;
        }, (ip, data, depth, exit, value, bits, g) -> exits++).name("macro-exits")
                .flags(FtraceOps.Flag.RECURSION_SAFE).filterPending(filter).build().ops();
        Ftrace.registerFtraceFunction(o);
        return new CountingOps(o);
    }

    private CountingOps(String filter, boolean recursionSafe) {
        FtraceOps.Builder b = FtraceOps.builder(this).name("macro-count");
        if (recursionSafe) {
            b.flags(FtraceOps.Flag.RECURSION_SAFE);
        }
        if (filter != null) {
            b.filterPending(filter);
        }
        ops = b.build();
    }

    @Override
    public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        n++;
    }

    /** Registers an ops on {@code filter} (null: every method of the JVM). */
    static CountingOps register(String filter, boolean recursionSafe) {
        CountingOps c = new CountingOps(filter, recursionSafe);
        Ftrace.registerFtraceFunction(c.ops);
        return c;
    }

    /** {@return how many methods the ops is enabled on now} */
    int hooked() {
        return Ftrace.enabledFunctions().size();
    }

    void unregister() {
        Ftrace.unregisterFtraceFunction(ops);
    }
}
