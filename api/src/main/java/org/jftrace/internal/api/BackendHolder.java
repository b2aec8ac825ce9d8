package org.jftrace.internal.api;

/** Where the agent puts the {@link Backend}; read by {@link org.jftrace.Ftrace}. */
public final class BackendHolder {
    private static volatile Backend backend;

    private BackendHolder() {
    }

    /** {@return the installed backend, or {@code null} before the agent is installed} */
    public static Backend get() {
        return backend;
    }

    /** Installs the backend; the agent calls this once. */
    public static synchronized void install(Backend b) {
        if (backend != null && backend != b) {
            throw new IllegalStateException("jftrace backend already installed");
        }
        backend = b;
    }
}
