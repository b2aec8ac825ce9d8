package org.jftrace.internal.log;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * jftrace's log: lines on standard error prefixed {@code [jftrace]}. Tags, chosen by the system
 * property {@code jftrace.log} (a comma list; default: warnings only): {@code info} (what jftrace
 * does), {@code hook} (each class hooked or unhooked, implies info), {@code stack} (stack traces
 * of warnings). Callers test {@link #hook()} before building a message. Never called on the hook
 * path except for once-per-ops reports.
 */
public final class Log {
    private static final Set<String> TAGS =
            new HashSet<>(Arrays.asList(System.getProperty("jftrace.log", "").trim().split("\\s*,\\s*")));
    private static final boolean HOOK = TAGS.contains("hook");
    private static final boolean INFO = HOOK || TAGS.contains("info");
    private static final boolean STACK = TAGS.contains("stack");

    private Log() {
    }

    public static boolean hook() {
        return HOOK;
    }

    public static void info(String msg) {
        if (INFO) {
            err().println("[jftrace] " + msg);
        }
    }

    public static void warn(String msg, Throwable t) {
        PrintStream err = err();
        err.println("[jftrace] warning: " + msg);
        if (t != null && STACK) {
            t.printStackTrace(err);
        }
    }

    private static PrintStream err() {
        return System.err;
    }
}
