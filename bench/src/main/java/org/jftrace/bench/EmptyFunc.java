package org.jftrace.bench;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/**
 * The "empty callback" of the measured rows: it does nothing at all, so a row measures the hook
 * path alone. That it really runs is checked without touching it: {@link Hooking#expectHooked}
 * proves the method's hook site fires with a temporary counting probe ops on the same method, and
 * that enabled_functions lists the measured ops on it.
 */
public final class EmptyFunc implements FtraceFunc {
    @Override
    public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        // empty on purpose
    }
}
