package org.jftrace.it.install;

import java.util.Map;

/** The user class whose methods the install-path targets hook. Line numbers matter: see {@link #GET_LINE}. */
public final class Greeter {
    /** The source line of the {@code m.get(k)} call in {@link #lookup}: the line after the next one. */
    static final int GET_LINE = HookReport.here() + 2;
    static Object lookup(Map<String, String> m, String k) {
        return m.get(k);
    }

    private Greeter() {
    }

    /** Hooked: no allocation, no JDK call (so nothing else is traced from inside it). */
    static int greet(String s) {
        return s.length() + 1;
    }

    /** Not hooked: a call to it must give no callback. */
    static int other(String s) {
        return s.length() + 2;
    }
}
