package org.jftrace.internal.dispatch;

import java.lang.StackWalker.StackFrame;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jftrace.Ftrace;

/**
 * Computes parent_ip: the caller's call site (caller's method index, bytecode index) of the traced
 * method whose hook is running on this thread. A stack walk, so only for ops that ask for it.
 */
public final class ParentIps {
    private static final StackWalker WALKER =
            StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));

    /** The hook path's frames between the traced method and here: dispatch (trampolines included) and the boot bridge. */
    private static final String DISPATCH = "org.jftrace.internal.dispatch.";
    private static final String BOOT = "org.jftrace.internal.boot.";

    private ParentIps() {
    }

    static long find(long ip) {
        final org.jftrace.internal.functions.CallSites sites = HookContext.callSites;
        if (sites == null) {
            return Ftrace.UNKNOWN_IP;
        }
        StackFrame caller = WALKER.walk(new CallerOf());
        return caller == null ? Ftrace.UNKNOWN_IP : sites.callSiteIp(caller);
    }

    /** Loads the stack walker's classes before any hook exists. */
    public static void warmUp() {
        WALKER.walk(new CallerOf());
    }

    /** Skips jftrace's own frames and the traced method's frame; returns the caller's. Named class: no lambda on the hook path. */
    private static final class CallerOf implements Function<Stream<StackFrame>, StackFrame> {
        @Override
        public StackFrame apply(Stream<StackFrame> frames) {
            Iterator<StackFrame> it = frames.iterator();
            boolean sawTraced = false;
            while (it.hasNext()) {
                StackFrame f = it.next();
                if (!sawTraced) {
                    final String cn = f.getClassName();
                    if (cn.startsWith(DISPATCH) || cn.startsWith(BOOT)) {
                        continue;
                    }
                    sawTraced = true; // the first frame past jftrace's own is the traced method
                    continue;
                }
                return f;
            }
            return null;
        }
    }
}
