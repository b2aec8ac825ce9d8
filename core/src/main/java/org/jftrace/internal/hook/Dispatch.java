package org.jftrace.internal.hook;

import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;

/**
 * What a trampoline runs for one ops on one call: the kernel's {@code ftrace_ops_assist_func}
 * (guarded) and direct call (recursion safe). Small and static so that the JIT inlines it, with
 * the callback, into the traced method: {@code f} is a constant bound into the call site.
 */
final class Dispatch {
    private Dispatch() {
    }

    // Four entry points, one per (guard, parent ip) choice: the trampoline of an ops calls the one
    // that fits its flags, so no flag is tested per call.

    /** RECURSION_SAFE: no guard. */
    static void callSafe(FtraceFunc f, long ip, FtraceOps op, OpsState s) {
        if (s.live) {
            try {
                f.call(ip, Ftrace.UNKNOWN_IP, op, null);
            } catch (Throwable t) {
                failed(ip, s, t);
            }
        }
    }

    /** RECURSION_SAFE | PARENT_IP. */
    static void callSafeParent(FtraceFunc f, long ip, FtraceOps op, OpsState s) {
        if (s.live) {
            try {
                f.call(ip, ParentIps.find(ip), op, null);
            } catch (Throwable t) {
                failed(ip, s, t);
            }
        }
    }

    /** Default: a call from inside any guarded callback on this thread is refused (and lost). */
    static void callGuarded(FtraceFunc f, long ip, FtraceOps op, OpsState s) {
        if (s.live) {
            final ThreadGuard g = ThreadGuard.current();
            if (g == null || g.busy) {
                return;
            }
            g.busy = true;
            try {
                f.call(ip, Ftrace.UNKNOWN_IP, op, null);
            } catch (Throwable t) {
                s.failed(ip, t);
            } finally {
                g.busy = false;
            }
        }
    }

    /** Guarded, PARENT_IP: the stack walk runs inside the guard, so hooked code it runs is not traced. */
    static void callGuardedParent(FtraceFunc f, long ip, FtraceOps op, OpsState s) {
        if (s.live) {
            final ThreadGuard g = ThreadGuard.current();
            if (g == null || g.busy) {
                return;
            }
            g.busy = true;
            try {
                f.call(ip, ParentIps.find(ip), op, null);
            } catch (Throwable t) {
                s.failed(ip, t);
            } finally {
                g.busy = false;
            }
        }
    }

    /** Reports a RECURSION_SAFE callback's failure under the guard, so reporting cannot recurse. */
    private static void failed(long ip, OpsState s, Throwable t) {
        final ThreadGuard g = ThreadGuard.current();
        if (g == null || g.busy) {
            return;
        }
        g.busy = true;
        try {
            s.failed(ip, t);
        } finally {
            g.busy = false;
        }
    }
}
