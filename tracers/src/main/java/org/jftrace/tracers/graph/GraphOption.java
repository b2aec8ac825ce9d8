package org.jftrace.tracers.graph;

import java.util.StringJoiner;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * The function_graph tracer's print options ({@code trace_options}, the kernel's
 * {@code TRACE_GRAPH_PRINT_*} flags), by their kernel names. They change what is printed, not
 * what is recorded, so they can change at any time.
 */
public enum GraphOption {
    /** {@code funcgraph-cpu}, on by default: the buffer column ({@code BUF}, the kernel's CPU). */
    CPU("funcgraph-cpu", true),
    /** {@code funcgraph-overhead}, on by default: the duration markers {@code + ! # * @ $}. */
    OVERHEAD("funcgraph-overhead", true),
    /** {@code funcgraph-proc}, off by default: a {@code TASK-TID} column on every line. */
    PROC("funcgraph-proc", false),
    /** {@code funcgraph-duration}, on by default: the duration column. */
    DURATION("funcgraph-duration", true),
    /** {@code funcgraph-abstime}, off by default: the timestamp of each line (seconds.micros). */
    ABSTIME("funcgraph-abstime", false),
    /** {@code funcgraph-tail}, off by default: the function's name as a comment after every closing brace. */
    TAIL("funcgraph-tail", false);

    private final String kernelName;
    private final boolean defaultOn;

    GraphOption(String kernelName, boolean defaultOn) {
        this.kernelName = kernelName;
        this.defaultOn = defaultOn;
    }

    /** {@return the option's name in {@code trace_options}, e.g. {@code funcgraph-tail}} */
    public String kernelName() {
        return kernelName;
    }

    /** {@return whether the option is on in a new tracer} */
    public boolean defaultOn() {
        return defaultOn;
    }

    /**
     * {@return the option named {@code name} (its kernel name)}
     *
     * @throws FtraceException EINVAL for a name that is no function_graph option; the message lists them
     */
    public static GraphOption of(String name) {
        String n = name == null ? "" : name.trim();
        for (GraphOption o : values()) {
            if (o.kernelName.equals(n)) {
                return o;
            }
        }
        StringJoiner known = new StringJoiner(", ");
        for (GraphOption o : values()) {
            known.add(o.kernelName);
        }
        throw new FtraceException(Errno.EINVAL, "unknown function_graph option '" + name + "': give one of " + known);
    }
}
