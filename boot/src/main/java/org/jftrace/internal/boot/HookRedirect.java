package org.jftrace.internal.boot;

/**
 * An IPMODIFY replacement as a register-saving hook runs it. The hook passes the traced call's
 * arguments in an array with one slot more than the method has parameters; when a callback
 * redirected the call, that last slot holds the redirect, and the hooked method returns what
 * {@link Hooks#redirect} returns instead of running its body. Subclassed by the core.
 */
public abstract class HookRedirect {
    /**
     * Runs the replacement. {@return its result, boxed; null for void}
     *
     * @param args the hook's array: the (possibly rewritten) arguments, then this redirect
     */
    public abstract Object invoke(Object receiver, Object[] args) throws Throwable;
}
