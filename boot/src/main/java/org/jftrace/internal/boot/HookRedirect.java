package org.jftrace.internal.boot;

/**
 * An IPMODIFY replacement as a register-saving hook runs it. The hook passes the traced call's
 * arguments in two arrays, primitives as raw bits in a {@code long[]} and references in an
 * {@code Object[]}; when a callback redirected the call, the hook gets the redirect back (in place
 * of {@link Hooks#CHANGED}), and the hooked method returns what {@link Hooks#redirect} returns
 * instead of running its body. Subclassed by the core.
 */
public abstract class HookRedirect {
    /**
     * Runs the replacement. {@return its result: a reference as is, a primitive as a {@code Long}
     * of its raw bits (see {@link Hooks#CHANGED}), null for void}
     *
     * @param prims the hook's primitive slots (argument {@code i} at index {@code i})
     * @param refs  the hook's reference slots (argument {@code i} at index {@code i})
     */
    public abstract Object invoke(Object receiver, long[] prims, Object[] refs) throws Throwable;
}
