package org.jftrace.internal.boot;

import java.lang.invoke.CallSite;
import java.lang.invoke.MethodType;

/** The core's side of {@link Hooks#link}: gives each invokedynamic hook site its call site. */
public abstract class Linker {
    /**
     * {@return the call site of method {@code ip}'s hook; its type must be {@code type}}
     * May throw; {@link Hooks#link} turns any failure into a no-op site.
     *
     * @param caller the hooked class itself (the bootstrap's lookup class): the core learns it here
     *               for nothing, where finding it later means a walk over every loaded class
     */
    public abstract CallSite callSite(Class<?> caller, long ip, MethodType type) throws Throwable;

    /** Told once per site whose linking failed, so it can be reported. Must not throw. */
    public abstract void linkFailed(long ip, Throwable failure);
}
