package org.jftrace.internal.boot;

/**
 * What a hook site of the static-call kind ({@link Hooks#enter(long)}) calls: the core's
 * dispatcher for one method. Subclassed by the core, in the agent's class loader.
 */
public abstract class HookTarget {
    /** Runs the callbacks of the ops enabled on method {@code ip}. Never throws. */
    public abstract void enter(long ip);

    /**
     * Like {@link #enter(long)}, for a hook that saved registers: {@code receiver} ({@code null} for
     * static methods and constructors) and the arguments in two arrays the callbacks may rewrite:
     * argument {@code i} is {@code prims[i]} (raw bits, see {@link Hooks#CHANGED}) if primitive, else
     * {@code refs[i]}. Nothing is boxed. {@return null when nothing changed, a {@link HookRedirect}
     * when a callback redirected the call, else {@link Hooks#CHANGED}} Never throws.
     */
    public Object enterRegs(long ip, Object receiver, long[] prims, Object[] refs) {
        enter(ip);
        return null;
    }
}
