package org.jftrace.internal.boot;

/**
 * What a hook with registers hands back to the hooked method when a callback changed something:
 * the arguments were rewritten in the array the hook passed (the method reloads them), and
 * possibly the call was redirected (IPMODIFY), in which case the method returns
 * {@link #invokeRedirect()}'s result instead of running its body. Subclassed by the core.
 */
public abstract class HookRegs {
    /** {@return whether the traced body must be skipped for the redirect} */
    public abstract boolean redirected();

    /** Runs the replacement with the (possibly rewritten) arguments; {@return its result, boxed; null for void} */
    public abstract Object invokeRedirect() throws Throwable;
}
