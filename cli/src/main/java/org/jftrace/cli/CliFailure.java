package org.jftrace.cli;

/** A failure to report: the message for standard error and the exit code ({@link Jftrace#EXIT_USAGE} ...). */
final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exit;

    CliFailure(int exit, String message) {
        super(message, null, false, false);
        this.exit = exit;
    }
}
