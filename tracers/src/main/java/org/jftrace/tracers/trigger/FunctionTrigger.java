package org.jftrace.tracers.trigger;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * One trigger as written to {@code set_ftrace_filter}: {@code glob:command[:count]}, e.g.
 * {@code com.acme.Orders.place:traceoff:1}. The glob is the filter API's (it may hold its own
 * {@code :mod:NAME}), so the command and count are taken from the right.
 *
 * @param glob    the functions it fires on
 * @param command what it does
 * @param count   how many more times it fires (per function, as the kernel's counters), or
 *                {@link #UNLIMITED}
 */
public record FunctionTrigger(String glob, TriggerCommand command, long count) {
    /** The count of a trigger given without one: it fires every time. */
    public static final long UNLIMITED = -1;

    /**
     * @throws FtraceException EINVAL for an empty glob, a null command or a count below 0 other than UNLIMITED
     */
    public FunctionTrigger {
        if (glob == null || glob.isBlank()) {
            throw new FtraceException(Errno.EINVAL, "trigger with no function: write glob:command[:count], e.g. "
                    + "com.acme.Orders.place:traceoff:1");
        }
        if (command == null) {
            throw new FtraceException(Errno.EINVAL, "trigger '" + glob + "' has no command: give traceon, traceoff, "
                    + "stacktrace or snapshot");
        }
        if (count < 0 && count != UNLIMITED) {
            throw new FtraceException(Errno.EINVAL, "trigger count " + count + " is negative: give a count of 0 or "
                    + "more, or none for unlimited");
        }
    }

    /**
     * {@return the trigger written {@code spec}: {@code glob:command} or {@code glob:command:count}}
     *
     * @throws FtraceException EINVAL for a spec without a command, with an unknown command, or with
     *                         a count that is not a decimal number (each message says what to write)
     */
    public static FunctionTrigger parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new FtraceException(Errno.EINVAL, "empty trigger: write glob:command[:count], e.g. "
                    + "com.acme.Orders.place:traceoff:1");
        }
        String s = spec.strip();
        int last = s.lastIndexOf(':');
        if (last < 0) {
            throw new FtraceException(Errno.EINVAL, "trigger '" + s + "' has no command: write glob:command[:count] "
                    + "with command traceon, traceoff, stacktrace or snapshot");
        }
        String tail = s.substring(last + 1);
        long count = UNLIMITED;
        String head = s.substring(0, last);
        if (!tail.isEmpty() && Character.isDigit(tail.charAt(0))) {
            count = parseCount(s, tail);
            last = head.lastIndexOf(':');
            if (last < 0) {
                throw new FtraceException(Errno.EINVAL, "trigger '" + s + "' has a count but no command: write "
                        + "glob:command:count, e.g. " + head + ":traceoff:" + tail);
            }
            tail = head.substring(last + 1);
            head = head.substring(0, last);
        }
        TriggerCommand command;
        try {
            command = TriggerCommand.of(tail);
        } catch (FtraceException e) {
            throw new FtraceException(Errno.EINVAL, "trigger '" + s + "': " + e.getMessage().replaceFirst("^EINVAL: ", ""));
        }
        if (head.isBlank()) {
            throw new FtraceException(Errno.EINVAL, "trigger '" + s + "' has no function: write glob:command[:count]");
        }
        return new FunctionTrigger(head, command, count);
    }

    /**
     * {@return whether a {@code set_ftrace_filter} line is a trigger ({@code glob:command[:count]}
     * with a known command) rather than a plain glob} For a reader of that file's lines.
     */
    public static boolean isTrigger(String line) {
        if (line == null) {
            return false;
        }
        String[] parts = line.strip().split(":");
        if (parts.length < 2) {
            return false;
        }
        String last = parts[parts.length - 1];
        String command = !last.isEmpty() && last.chars().allMatch(Character::isDigit) && parts.length >= 3
                ? parts[parts.length - 2] : last;
        for (TriggerCommand c : TriggerCommand.values()) {
            if (c.word().equals(command)) {
                return true;
            }
        }
        return false;
    }

    private static long parseCount(String spec, String tail) {
        for (int i = 0; i < tail.length(); i++) {
            if (!Character.isDigit(tail.charAt(i)) || tail.charAt(i) > '9') {
                throw new FtraceException(Errno.EINVAL, "trigger '" + spec + "': count '" + tail
                        + "' is not a decimal number: give digits only, or no count for unlimited");
            }
        }
        try {
            return Long.parseLong(tail);
        } catch (NumberFormatException e) {
            throw new FtraceException(Errno.EINVAL, "trigger '" + spec + "': count '" + tail + "' is too large: give at most "
                    + Long.MAX_VALUE);
        }
    }

    /** {@return the trigger as {@code set_ftrace_filter} lists it: {@code glob:command:count=N} or {@code :unlimited}} */
    @Override
    public String toString() {
        return glob + ":" + command.word() + ":" + (count == UNLIMITED ? "unlimited" : "count=" + count);
    }
}
