package org.jftrace.internal.hook;

import java.io.PrintStream;

/**
 * jftrace's log: lines on standard error prefixed {@code [jftrace]}. Tags {@code jftrace},
 * {@code jftrace+hook} (each class hooked or unhooked) are chosen by the system property
 * {@code jftrace.log} (a comma list; default: warnings only). Callers test {@link #hook()} before
 * building a message. Never called on the hook path except for once-per-ops reports.
 */
final class Log {
    private static final String TAGS = System.getProperty("jftrace.log", "");
    private static final boolean HOOK = TAGS.contains("hook");
    private static final boolean INFO = HOOK || TAGS.contains("info");

    private Log() {
    }

    static boolean hook() {
        return HOOK;
    }

    static boolean info() {
        return INFO;
    }

    static void info(String msg) {
        if (INFO) {
            err().println("[jftrace] " + msg);
        }
    }

    static void warn(String msg, Throwable t) {
        PrintStream err = err();
        err.println("[jftrace] warning: " + msg);
        if (t != null && TAGS.contains("stack")) {
            t.printStackTrace(err);
        }
    }

    private static PrintStream err() {
        return System.err;
    }
}
