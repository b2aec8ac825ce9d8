package org.jftrace.tracers;

import java.util.List;
import java.util.function.Consumer;

/**
 * How a tracer hands its globs to its ops' builder: as pending patterns (kept for classes not
 * loaded yet: tracing from a program's start) or strict ones (EINVAL for a glob that matches
 * nothing loaded: a live change). One place for the choice the three tracers make.
 */
public final class Patterns {
    /**
     * The tracers' own code, on the notrace list of every ops a tracer registers. The kernel builds
     * kernel/trace without ftrace's hooks; here a tracer loaded from the class path (not from the
     * agent's jar, which jftrace never hooks) would otherwise hook its own write path, and every
     * event would run each of those hooks only for the recursion guard to refuse it (measured on
     * the macro row {@code function}: nine such hooks per event; removing them took 124 to 71 ns per
     * event, JDK 17).
     */
    public static final String OWN_CODE = "org.jftrace.tracers.*";

    private Patterns() {
    }

    /**
     * Puts {@link #OWN_CODE} on an ops' notrace list, e.g. {@code Patterns.notraceOwnCode(b::notracePending)}.
     * Pending because loaded from the agent's jar the tracers are no traceable methods at all, and
     * a strict pattern that matches nothing is an error.
     */
    public static void notraceOwnCode(Consumer<String[]> notracePending) {
        notracePending.accept(new String[] {OWN_CODE});
    }

    /**
     * Passes {@code globs}, if any, to {@code pendingCall} or {@code strictCall}, e.g.
     * {@code Patterns.apply(globs, pending, b::filterPending, b::filter)}.
     */
    public static void apply(List<String> globs, boolean pending, Consumer<String[]> pendingCall,
                             Consumer<String[]> strictCall) {
        if (!globs.isEmpty()) {
            (pending ? pendingCall : strictCall).accept(globs.toArray(new String[0]));
        }
    }
}
