package org.jftrace.tracers;

import java.util.List;
import java.util.function.Consumer;

/**
 * How a tracer hands its globs to its ops' builder: as pending patterns (kept for classes not
 * loaded yet: tracing from a program's start) or strict ones (EINVAL for a glob that matches
 * nothing loaded: a live change). One place for the choice the three tracers make.
 */
public final class Patterns {
    private Patterns() {
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
