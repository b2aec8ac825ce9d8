package org.jftrace.bench.macro;

import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/**
 * The macro benchmark's jftrace rows: one ops whose callback does what the limit's hook does
 * ({@code n++} on a static field), set on a pending filter before the compiler loads. Loaded only in
 * those rows, where the agent puts the API on the class path.
 */
final class CountingOps implements FtraceFunc {
    static long n;

    private final FtraceOps ops;

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
