package org.jftrace.internal.agent;

/** A failure of the attaching side: the message for standard error and the exit code. */
final class AttachFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exit;

    AttachFailure(int exit, String message) {
        super(message, null, false, false);
        this.exit = exit;
    }
}
