package org.jftrace.tracers.trigger;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/** The commands of {@code set_ftrace_filter} triggers ({@code func:command[:count]}), the kernel's function probes. */
public enum TriggerCommand {
    /** Turn tracing_on on when the function is hit. */
    TRACEON("traceon"),
    /** Turn tracing_on off when the function is hit. */
    TRACEOFF("traceoff"),
    /** Record the stack trace of the call in the ring buffer. */
    STACKTRACE("stacktrace"),
    /** Copy the buffers aside, readable as {@code snapshot}. */
    SNAPSHOT("snapshot");

    private final String word;

    TriggerCommand(String word) {
        this.word = word;
    }

    /** {@return the command as written in {@code set_ftrace_filter}} */
    public String word() {
        return word;
    }

    /**
     * {@return the command written {@code word}}
     *
     * @throws FtraceException EINVAL for another word (the message lists the commands)
     */
    public static TriggerCommand of(String word) {
        for (TriggerCommand c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new FtraceException(Errno.EINVAL, "unknown trigger command '" + word + "': give one of "
                + Arrays.stream(values()).map(TriggerCommand::word).collect(Collectors.joining(", ")));
    }
}
