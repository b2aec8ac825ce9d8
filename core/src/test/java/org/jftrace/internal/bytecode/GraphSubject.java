package org.jftrace.internal.bytecode;

/** Methods whose exits the exit-hook test follows: returns of every kind, throws caught and not, constructors. */
final class GraphSubject {
    static int depthOfRecursion;

    final int value;

    GraphSubject(int value) {
        this.value = value;
    }

    /** Throws before {@code super()} returns when {@code value} is negative. */
    GraphSubject(String s) {
        this(check(Integer.parseInt(s)));
    }

    static int check(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative " + v);
        }
        return v;
    }

    static int twice(int x) {
        return 2 * x;
    }

    static long wide(long x) {
        return x + 1;
    }

    static double half(double x) {
        return x / 2;
    }

    static float third(float x) {
        return x / 3;
    }

    static String name(Object o) {
        return String.valueOf(o);
    }

    static void nothing() {
    }

    static int thrower(int x) {
        if (x > 0) {
            throw new IllegalStateException("x " + x);
        }
        return x;
    }

    /** Catches what its callee throws two frames down. */
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

    static int sign(int x) {
        if (x < 0) {
            return -1;
        }
        if (x == 0) {
            return 0;
        }
        return 1;
    }

    static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    synchronized int locked(int x) {
        int s = 0;
        for (int i = 0; i < x; i++) {
            s += i;
        }
        return s + value;
    }
}
