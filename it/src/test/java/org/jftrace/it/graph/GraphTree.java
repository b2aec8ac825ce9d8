package org.jftrace.it.graph;

/** A known call tree for the exit-hook tests: returns, exceptions caught two frames up and escaping, recursion, constructors, a static initialiser. */
public final class GraphTree {
    final int n;

    GraphTree(int n) {
        this.n = n;
    }

    /** Throws before {@code super()} returns when s is not a number. */
    GraphTree(String s) {
        this(Integer.parseInt(s));
    }

    static final class Init {
        static final int VALUE = compute();

        static int compute() {
            return 42;
        }
    }

    public static int root(int x) {
        int r = leaf(x) + catcher(x) + fib(4) + new GraphTree(x).n + Init.VALUE;
        try {
            new GraphTree("not a number");
        } catch (NumberFormatException expected) {
            r++;
        }
        return r;
    }

    static int leaf(int x) {
        return x * 3;
    }

    static int catcher(int x) {
        try {
            return middle(x);
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    static int middle(int x) {
        return thrower(x) + 1;
    }

    static int thrower(int x) {
        if (x >= 0) {
            throw new IllegalStateException("thrown two frames below catcher");
        }
        return x;
    }

    static int fib(int k) {
        return k < 2 ? k : fib(k - 1) + fib(k - 2);
    }

    /** Lets its exception escape to the caller. */
    public static void escape(int x) {
        thrower(x);
    }

    public static String text(int x) {
        return "t" + x;
    }

    public static double ratio(int x) {
        return x / 4.0;
    }

    /** Blocks inside a hooked method until {@code release} opens. */
    public static int blocked(java.util.concurrent.CountDownLatch entered, java.util.concurrent.CountDownLatch release)
            throws InterruptedException {
        entered.countDown();
        release.await();
        return 7;
    }
}
