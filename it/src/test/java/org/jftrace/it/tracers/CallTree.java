package org.jftrace.it.tracers;

/**
 * The traced program of the JVM tests: a known call tree with leaves, nesting, recursion, an
 * exception thrown two frames down and caught, and (from {@link #escaper}) one that escapes.
 * <pre>
 * run { leaf; leaf; nest { leaf }; fact { fact { fact } }; catcher { middle { thrower! }! }; pause }
 * escaper { leaf }!
 * </pre>
 */
public final class CallTree {
    /** Calls of each method per {@link #run()} + {@link #escaper()}, for the profiler's hits. */
    public static final String[][] CALLS = {{"run", "1"}, {"leaf", "4"}, {"nest", "1"}, {"fact", "3"}, {"catcher", "1"},
            {"middle", "1"}, {"thrower", "1"}, {"pause", "1"}, {"escaper", "1"}};

    private CallTree() {
    }

    public static int run() {
        int s = leaf(1) + leaf(2);
        s += nest(3);
        s += fact(3);
        s += catcher();
        s += pause();
        return s;
    }

    public static int leaf(int v) {
        return v * 31 + (v >>> 3);
    }

    public static int nest(int v) {
        return leaf(v) + 1;
    }

    public static int fact(int n) {
        return n <= 1 ? 1 : n * fact(n - 1);
    }

    public static int catcher() {
        try {
            return middle();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    public static int middle() {
        return thrower() + 1;
    }

    public static int thrower() {
        throw new IllegalStateException("two frames down");
    }

    /** Long enough for the {@code #} marker (over 1 ms). */
    public static int pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Throws out of the traced code: its caller is not traced. */
    public static int escaper() {
        leaf(5);
        throw new IllegalArgumentException("escapes");
    }
}
