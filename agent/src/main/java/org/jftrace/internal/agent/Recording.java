package org.jftrace.internal.agent;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;

/**
 * The one {@code jftrace record} of this JVM, driven by agent commands: {@code record-start
 * OPTION...} starts a {@link TraceSession} and answers {@code ID HOOKED}; {@code record-stop ID}
 * unregisters every ops of it (the program runs its original bytecode again once no other hook
 * is left) and answers the trace. One at a time: a second start is EBUSY until the first stops,
 * and only the id of the running one stops it (another command's Ctrl-C never ends this one).
 */
final class Recording {
    private static TraceSession current;
    private static String currentId;

    private Recording() {
    }

    /** {@code record-start OPTION...}: {@return {@code ID HOOKED}} */
    static synchronized String start(String[] items) {
        TraceOptions o = TraceOptions.of(Arrays.asList(items), false);
        if (current != null) {
            throw new FtraceException(Errno.EBUSY, "JVM " + ProcessHandle.current().pid() + " is recording already ("
                    + current.options + "): one recording at a time; wait for it to end or stop it (Ctrl-C in its "
                    + "jftrace record)");
        }
        int before = Ftrace.enabledFunctions().size();
        TraceSession s = new TraceSession(o, false);
        s.start();
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        current = s;
        currentId = HexFormat.of().formatHex(random);
        return currentId + " " + Math.max(0, Ftrace.enabledFunctions().size() - before);
    }

    /**
     * For {@code reset}: stops the running recording, if any (its command was killed, or the user
     * wants the program back), dropping its trace. {@return what was stopped, or null}
     */
    static synchronized String abandon() {
        if (current == null) {
            return null;
        }
        TraceSession s = current;
        current = null;
        currentId = null;
        s.stop();
        return s.options.toString();
    }

    /** {@code record-stop ID}: {@return the trace} after every ops of the recording is unregistered */
    static synchronized String stop(String id) {
        if (current == null || !currentId.equals(id)) {
            throw new FtraceException(Errno.ENOENT, "no recording " + id + " in JVM " + ProcessHandle.current().pid()
                    + (current == null ? "" : " (another is running: " + current.options + ")"));
        }
        TraceSession s = current;
        current = null;
        currentId = null;
        s.stop();
        return s.text();
    }
}
