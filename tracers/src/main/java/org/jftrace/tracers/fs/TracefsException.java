package org.jftrace.tracers.fs;

import org.jftrace.FtraceException;

/**
 * A failed read or write of a {@link Tracefs} file, with the errno the kernel's tracefs gives for
 * the case: {@code ENOENT} (no such file), {@code EACCES} (written to a read-only file),
 * {@code EINVAL} (a bad value: the file is unchanged), {@code EBUSY}, {@code ENODEV} (no agent).
 * The message starts with the errno and names the file. A write that throws changed nothing.
 */
public final class TracefsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errno;

    /**
     * @param errno   the kernel's errno name, e.g. {@code EINVAL}
     * @param file    the file, named in the message
     * @param message what is wrong and what to write instead
     */
    public TracefsException(String errno, String file, String message) {
        super(errno + ": " + file + ": " + message);
        this.errno = errno;
    }

    /** The API's failure, under the file's name and with the API's errno. */
    static TracefsException of(String file, FtraceException e) {
        String m = e.getMessage();
        String prefix = e.errno().name() + ": ";
        return new TracefsException(e.errno().name(), file, m.startsWith(prefix) ? m.substring(prefix.length()) : m);
    }

    /** {@return the errno name: ENOENT, EACCES, EINVAL, EBUSY or ENODEV} */
    public String errno() {
        return errno;
    }
}
