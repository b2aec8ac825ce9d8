package org.jftrace.it.reliability;

/** Methods with known names for {@link BadInputTest}'s random globs to match (or not). */
public final class GlobFodder {
    private GlobFodder() {
    }

    public static int alpha() {
        return 1;
    }

    public static int alpine() {
        return 2;
    }

    public static int beta() {
        return 3;
    }

    public static int b3ta() {
        return 4;
    }

    public static int gamma() {
        return 5;
    }

    public static int delta(int x) {
        return x;
    }

    public static int delta(String s) {
        return s.length();
    }
}
