package org.jftrace.internal.glob;

import static org.jftrace.internal.glob.Glob.LIT;
import static org.jftrace.internal.glob.Glob.ANY;
import static org.jftrace.internal.glob.Glob.STAR;
import static org.jftrace.internal.glob.Glob.CLASS;

import java.util.Arrays;

/** Collects tokens for a {@link GlobProgram}. */
final class GlobBuilder {
    private int size;
    private byte[] kind = new byte[16];
    private int[] lit = new int[16];
    private int[][] ranges = new int[16][];
    private boolean[] negatedClass = new boolean[16];

    private void add(byte k, int c, int[] r, boolean neg) {
        if (size == kind.length) {
            int n = size * 2;
            kind = Arrays.copyOf(kind, n);
            lit = Arrays.copyOf(lit, n);
            ranges = Arrays.copyOf(ranges, n);
            negatedClass = Arrays.copyOf(negatedClass, n);
        }
        kind[size] = k;
        lit[size] = c;
        ranges[size] = r;
        negatedClass[size] = neg;
        size++;
    }

    void literal(int c) {
        add(LIT, c, null, false);
    }

    void any() {
        add(ANY, 0, null, false);
    }

    void star() {
        if (size == 0 || kind[size - 1] != STAR) {
            add(STAR, 0, null, false);
        }
    }

    void charClass(int[] r, boolean neg) {
        add(CLASS, 0, r, neg);
    }

    boolean isEmpty() {
        return size == 0;
    }

    GlobProgram build() {
        return new GlobProgram(size, Arrays.copyOf(kind, size), Arrays.copyOf(lit, size),
                Arrays.copyOf(ranges, size), Arrays.copyOf(negatedClass, size));
    }
}
