package org.jftrace.internal.api;

import java.util.Objects;

/**
 * Where the agent puts the {@link Backend}; read by {@link org.jftrace.Ftrace}.
 *
 * <p>Only jftrace's own start class may install one: {@link #install} checks that its caller is
 * {@code org.jftrace.internal.agent.AgentStart} defined by the class loader that defined this
 * class (in the agent jar, both come from the same shaded jar). A module declaration would say the
 * same with a qualified export, but the agent jar puts api and core into one unnamed module, so
 * the check is made at the call.
 */
public final class BackendHolder {
    /** The one class allowed to call {@link #install}. */
    static final String START_CLASS = "org.jftrace.internal.agent.AgentStart";

    private static volatile Backend backend;

    private BackendHolder() {
    }

    /** {@return the installed backend, or {@code null} before the agent is installed} */
    public static Backend get() {
        return backend;
    }

    /**
     * Installs the backend; jftrace's start class calls this once.
     *
     * @param b not {@code null}
     * @throws SecurityException     if the caller is not jftrace's start class, defined by this
     *                               class's loader (nothing is installed)
     * @throws IllegalStateException if another backend is installed already
     */
    public static synchronized void install(Backend b) {
        Objects.requireNonNull(b, "b");
        // Made here, not in a static field: with a security manager it checks a permission, which
        // must not fail the class's initialisation for readers of get().
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (!caller.getName().equals(START_CLASS) || caller.getClassLoader() != BackendHolder.class.getClassLoader()) {
            throw new SecurityException("only jftrace's agent installs the jftrace backend, not " + caller.getName()
                    + " (loader " + caller.getClassLoader() + "): install the agent with -javaagent:jftrace-agent.jar, "
                    + "'java -jar jftrace-agent.jar PID' or org.jftrace.agent.JftraceAgent.install()");
        }
        if (backend != null && backend != b) {
            throw new IllegalStateException("jftrace backend already installed");
        }
        backend = b;
    }
}
