package org.jftrace;

import java.util.Objects;

/**
 * The one exception type of jftrace's API: it carries the kernel's errno name for the case and a
 * message that says what to change. A call that throws it has changed nothing.
 */
public final class FtraceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * @param errno   the kernel's errno name for the case, not {@code null}
     * @param message what went wrong and what to change, not {@code null}
     */
    public FtraceException(Errno errno, String message) {
        super(Objects.requireNonNull(errno, "errno") + ": " + Objects.requireNonNull(message, "message"));
        this.errno = errno;
    }

    /** {@return the errno name of this error} */
    public Errno errno() {
        return errno;
    }
}
