package org.jftrace.tracers;

import org.jftrace.FgraphOps;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;

/**
 * Resolves the types in the signatures of the tracers' callbacks from the tracers' own class
 * loader, before a tracer registers an ops. C2 inlines no method whose signature names a class
 * its loader has not resolved yet ({@code -XX:+PrintInlining}: "unloaded signature classes"), and a
 * callback whose body never mentions {@link Regs} (the function tracer's) or
 * {@link FgraphOps.Exit} (a return handler that ignores it) never resolves it: the hook's entry
 * then calls the callback instead of inlining it, and the callback's write path with it.
 */
public final class HandlerTypes {
    private HandlerTypes() {
    }

    /**
     * Resolves {@link FtraceOps}, {@link Regs}, {@link FgraphOps} and {@link FgraphOps.Exit}: class
     * literals, resolved by the loader of this class, which is the tracers' loader.
     * {@return them}
     */
    public static Class<?>[] resolve() {
        return new Class<?>[] {FtraceOps.class, Regs.class, FgraphOps.class, FgraphOps.Exit.class};
    }
}
