package org.jftrace.internal.bytecode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/** Class shapes that an entry hook must survive: each method returns a value the test compares. */
final class Corpus {
    private Corpus() {
    }

    /** Branches before super(): the constructor's first frames mention uninitializedThis. */
    static class BranchyInit extends ArrayList<String> {
        private static final long serialVersionUID = 1L;
        final int n;

        BranchyInit(int x) {
            super(x > 3 ? x * 2 : 1);
            this.n = x > 3 ? x : -x;
        }
    }

    static long wide(long a, double b, int c, float d, long e) {
        return a + (long) b + c + (long) d + e;
    }

    /** A loop whose head is at offset 0: a frame at the first instruction. */
    static int loopAtZero(int n) {
        int i = 0;
        while (n-- > 0) {
            i += n;
        }
        return i;
    }

    static int switches(int k, String s) {
        int r;
        switch (k) {
            case 1: r = 10; break;
            case 2: r = 20; break;
            case 1000: r = 30; break;
            default: r = -1;
        }
        switch (s) {
            case "a": return r + 1;
            case "b": return r + 2;
            default: return r;
        }
    }

    static int tryCatch(int x) {
        try {
            if (x == 0) {
                throw new IllegalArgumentException("zero");
            }
            return 100 / x;
        } catch (IllegalArgumentException e) {
            return -1;
        } finally {
            x++;
        }
    }

    record Point(int x, int y) {
        Point {
            if (x < 0) {
                throw new IllegalArgumentException();
            }
        }

        int sum() {
            return x + y;
        }
    }

    enum Color {
        RED, GREEN;

        int code() {
            return ordinal() + 7;
        }
    }

    interface WithDefault {
        default int twice(int x) {
            return 2 * x;
        }
    }

    static final class Impl implements WithDefault {
    }

    static int lambdas(int x) {
        IntSupplier s = () -> x * 3;
        return s.getAsInt();
    }

    static int synchronizedBlock(Object lock, int x) {
        synchronized (lock) {
            return x + 1;
        }
    }

    static final int STATIC_VALUE;

    static {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v += i;
        }
        STATIC_VALUE = v;
    }

    static List<Object> results() {
        List<Object> out = new ArrayList<>();
        out.add(new BranchyInit(5).n);
        out.add(new BranchyInit(2).n);
        out.add(wide(1L, 2.5, 3, 4.5f, 5L));
        out.add(loopAtZero(5));
        out.add(switches(2, "b"));
        out.add(switches(1000, "z"));
        out.add(tryCatch(0));
        out.add(tryCatch(4));
        out.add(new Point(3, 4).sum());
        out.add(Color.GREEN.code());
        out.add(new Impl().twice(21));
        out.add(lambdas(5));
        out.add(synchronizedBlock(new Object(), 41));
        out.add(STATIC_VALUE);
        return out;
    }
}
