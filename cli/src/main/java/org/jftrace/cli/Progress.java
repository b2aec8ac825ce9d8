package org.jftrace.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Progress of the long steps (attach, jftrace's first start, reading every class file for list)
 * on standard error: shown when standard error is a terminal, or with {@code --verbose}; never
 * mixed into standard output, which scripts read.
 */
final class Progress {
    private final PrintStream err;
    private final boolean on;
    private final long start = System.nanoTime();

    Progress(PrintStream err, boolean verbose) {
        this.err = err;
        this.on = verbose || interactive();
    }

    /** {@return whether progress is shown} */
    boolean on() {
        return on;
    }

    /** Says what starts now. */
    void step(String what) {
        if (on) {
            err.println("jftrace: " + what + " ...");
        }
    }

    /** Says {@code what} as it is. */
    void say(String what) {
        if (on) {
            err.println("jftrace: " + what);
            err.flush();
        }
    }

    /** Says what was done, with the time since this command started. */
    void done(String what) {
        if (on) {
            err.println("jftrace: " + what + " in " + String.format(Locale.ROOT, "%.1f s",
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /**
     * {@return whether this JVM talks to a terminal} JDK 22+ gives a Console also when redirected
     * and says which with {@code Console.isTerminal()}; before, a Console exists only on a terminal.
     */
    private static boolean interactive() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** {@return {@code n} with thousands separators, as the progress lines print counts} */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
