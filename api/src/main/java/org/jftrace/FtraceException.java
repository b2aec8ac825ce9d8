package org.jftrace;

import java.util.Objects;

/**
 * The one exception type of jftrace's API: it carries the kernel's errno name for the case and a
 * message that says what to change. A call that throws it has changed nothing, with one exception:
 * {@link Errno#ENODEV} thrown because jftrace hit an internal failure during the call (as the
 * kernel's {@code ftrace_bug}). jftrace then disables itself: the change may have been applied in
 * part, every hook stops calling callbacks, and every later call throws ENODEV until the JVM
 * restarts. The cause, when there is one, is {@link #getCause()}.
 */
public final class FtraceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * An error without a cause.
     *
     * @param errno   the kernel's errno name for the case, not {@code null}
     * @param message what went wrong and what to change, not {@code null}
     */
    public FtraceException(Errno errno, String message) {
        this(errno, message, null);
    }

    /**
     * An error with the failure behind it (an internal failure that disabled jftrace, for ENODEV).
     *
     * @param errno   the kernel's errno name for the case, not {@code null}
     * @param message what went wrong and what to change, not {@code null}
     * @param cause   the failure behind it, or {@code null}
     */
    public FtraceException(Errno errno, String message, Throwable cause) {
        super(Objects.requireNonNull(errno, "errno") + ": " + Objects.requireNonNull(message, "message"), cause);
        this.errno = errno;
    }

    /** {@return the errno name of this error} */
    public Errno errno() {
        return errno;
    }
}
