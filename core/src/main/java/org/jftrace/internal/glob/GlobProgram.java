package org.jftrace.internal.glob;

import static org.jftrace.internal.glob.Glob.LIT;
import static org.jftrace.internal.glob.Glob.ANY;
import static org.jftrace.internal.glob.Glob.STAR;
import static org.jftrace.internal.glob.Glob.CLASS;

/**
 * A compiled glob: an array of tokens, each of which but {@code STAR} consumes exactly one
 * character (code point). Consecutive stars are collapsed into one, so the stars cut the
 * tokens into segments of which only the first and the last may be empty.
 */
final class GlobProgram {
    private final int size;
    private final byte[] kind;
    /** For LIT tokens: the code point. */
    private final int[] lit;
    /** For CLASS tokens: pairs lo, hi of inclusive code point ranges. */
    private final int[][] ranges;
    private final boolean[] negatedClass;
    /** Index of the last token that admits only '.', or -1. */
    private final int dotBarrier;
    /** Segment j is tokens [segStart[j], segEnd[j]); a STAR is at segStart[j] - 1, j > 0. */
    private final int[] segStart;
    private final int[] segEnd;
    /** Whether segment j is literals only (searched with {@link #border}). */
    private final boolean[] segLiteral;
    /**
     * For a token p of a literal segment starting at a: the length of the longest proper
     * prefix of lit[a..p] that is also its suffix (Knuth-Morris-Pratt's failure function).
     */
    private final int[] border;
    /** need[j]: the characters segments j to the last take together; need[last + 1] = 0. */
    private final int[] need;

    GlobProgram(int size, byte[] kind, int[] lit, int[][] ranges, boolean[] negatedClass) {
        this.size = size;
        this.kind = kind;
        this.lit = lit;
        this.ranges = ranges;
        this.negatedClass = negatedClass;
        int barrier = -1;
        int stars = 0;
        for (int p = 0; p < size; p++) {
            if (kind[p] == STAR) {
                stars++;
            } else if (!admitsNonDot(p)) {
                barrier = p;
            }
        }
        this.dotBarrier = barrier;
        segStart = new int[stars + 1];
        segEnd = new int[stars + 1];
        segLiteral = new boolean[stars + 1];
        border = new int[size];
        need = new int[stars + 2];
        int j = 0;
        for (int p = 0; p < size; p++) {
            if (kind[p] == STAR) {
                segEnd[j++] = p;
                segStart[j] = p + 1;
            }
        }
        segEnd[stars] = size;
        for (j = stars; j >= 0; j--) {
            int a = segStart[j];
            int b = segEnd[j];
            need[j] = need[j + 1] + (b - a);
            boolean literal = true;
            for (int p = a; p < b; p++) {
                literal &= kind[p] == LIT;
            }
            segLiteral[j] = literal;
            if (literal && b > a) {
                int q = 0;
                for (int p = a + 1; p < b; p++) {
                    while (q > 0 && lit[a + q] != lit[p]) {
                        q = border[a + q - 1];
                    }
                    if (lit[a + q] == lit[p]) {
                        q++;
                    }
                    border[p] = q;
                }
            }
        }
    }

    int longestWildSegment() {
        int longest = 0;
        for (int j = 0; j < segStart.length; j++) {
            if (!segLiteral[j]) {
                longest = Math.max(longest, segEnd[j] - segStart[j]);
            }
        }
        return longest;
    }

    /** {@return the string this program matches if it is all literals, else null} */
    String literal() {
        for (int p = 0; p < size; p++) {
            if (kind[p] != LIT) {
                return null;
            }
        }
        return new String(lit, 0, size);
    }

    boolean accepts(int p, int c) {
        switch (kind[p]) {
            case LIT:
                return lit[p] == c;
            case CLASS:
                return inRanges(ranges[p], c) != negatedClass[p];
            default: // ANY, and STAR (which is never asked)
                return true;
        }
    }

    private static boolean inRanges(int[] r, int c) {
        for (int j = 0; j < r.length; j += 2) {
            if (c >= r[j] && c <= r[j + 1]) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether token p can consume some character other than '.'} */
    private boolean admitsNonDot(int p) {
        switch (kind[p]) {
            case LIT:
                return lit[p] != '.';
            case CLASS: {
                int[] r = ranges[p];
                if (!negatedClass[p]) {
                    for (int j = 0; j < r.length; j += 2) {
                        if (r[j] != '.' || r[j + 1] != '.') {
                            return true;
                        }
                    }
                    return false;
                }
                // The smallest character outside the ranges and other than '.' is 0, '/'
                // (right after '.') or right after the end of some range.
                if (!inRanges(r, 0) || !inRanges(r, '/')) {
                    return true;
                }
                for (int j = 1; j < r.length; j += 2) {
                    if (r[j] != Character.MAX_CODE_POINT) {
                        int c = r[j] + 1;
                        if (c != '.' && !inRanges(r, c)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            default:
                return true;
        }
    }

    /**
     * {@return the character (code point) at index i of s, reading no further than limit} A
     * surrogate pair is one character, an unpaired surrogate another.
     */
    private static int at(String s, int i, int limit) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < limit) {
            char d = s.charAt(i + 1);
            if (Character.isLowSurrogate(d)) {
                return Character.toCodePoint(c, d);
            }
        }
        return c;
    }

    /**
     * {@return the character of the text [0, end) at index i} The text is s up to its length,
     * then, if dot, one '.' at index end - 1 (the class name and the dot after it).
     */
    private static int at(String s, int i, int end, boolean dot) {
        if (dot) {
            return i == end - 1 ? '.' : at(s, i, end - 1);
        }
        return at(s, i, end);
    }

    /** {@return the character of s that ends at index end, reading nothing before from} */
    private static int before(String s, int end, int from) {
        char d = s.charAt(end - 1);
        if (Character.isLowSurrogate(d) && end - 2 >= from) {
            char c = s.charAt(end - 2);
            if (Character.isHighSurrogate(c)) {
                return Character.toCodePoint(c, d);
            }
        }
        return d;
    }

    private static boolean done(boolean result, long count, Glob.Steps steps) {
        if (steps != null) {
            steps.count += count;
        }
        return result;
    }

    /**
     * Matches s[from, to): the first segment from the start, the last from the end, the ones
     * between each at the earliest place after the one before.
     */
    boolean matches(String s, int from, int to, Glob.Steps steps) {
        int last = segStart.length - 1;
        if (to - from < need[0]) {
            return false; // each character is one or two chars
        }
        long count = 0;
        int i = from;
        for (int p = 0, end = segEnd[0]; p < end; p++) {
            if (i >= to) {
                return done(false, count, steps);
            }
            int c = at(s, i, to);
            count++;
            if (!accepts(p, c)) {
                return done(false, count, steps);
            }
            i += Character.charCount(c);
        }
        if (last == 0) {
            return done(i == to, count, steps);
        }
        int e = to;
        for (int p = size - 1, a = segStart[last]; p >= a; p--) {
            if (e <= i) {
                return done(false, count, steps);
            }
            int c = before(s, e, i);
            count++;
            if (!accepts(p, c)) {
                return done(false, count, steps);
            }
            e -= Character.charCount(c);
        }
        if (steps != null) {
            steps.count += count;
        }
        for (int j = 1; j < last; j++) {
            if (e - i < need[j] - need[last]) {
                return false; // the rest of the name is too short for the segments left
            }
            i = find(j, s, i, e, false, true, false, steps);
            if (i < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the pattern over {@code className + "."} and asks whether a state it can be in
     * then may still finish on a non-empty string without '.'. The earliest placement of each
     * segment reaches the furthest state, and a state further on is never worse: what
     * follows it is a suffix of what follows an earlier one, and only the dot-only tokens up
     * to dotBarrier must be behind.
     */
    boolean mayMatchMethodOf(String className, Glob.Steps steps) {
        int last = segStart.length - 1;
        int end = className.length() + 1;
        long count = 0;
        int i = 0;
        for (int p = 0, stop = segEnd[0]; p < stop; p++) {
            if (i >= end) {
                // the text ends inside the first segment, at token p
                return done(p > dotBarrier, count, steps);
            }
            int c = at(className, i, end, true);
            count++;
            if (!accepts(p, c)) {
                return done(false, count, steps);
            }
            i += Character.charCount(c);
        }
        if (steps != null) {
            steps.count += count;
        }
        if (last == 0) {
            return false; // all tokens taken: nothing left for the method name
        }
        for (int j = 1; j <= last; j++) {
            int a = segStart[j];
            if (a == size) {
                return a - 1 > dotBarrier; // a trailing star takes the method name
            }
            if (i >= end) {
                return a > dotBarrier; // the text is used up: the state before segment j
            }
            int r = find(j, className, i, end, true, j < last, true, steps);
            if (r >= 0) {
                i = r;
                continue;
            }
            return a + (-r - 1) > dotBarrier;
        }
        throw new AssertionError(); // the last segment always answers
    }

    /**
     * Looks for segment j in the text [i, end) (s, then a '.' if dot). Returns the index just
     * after its earliest occurrence if there is one and stopAtFull; otherwise -(q + 1) with
     * q the longest proper prefix of the segment that is a suffix of the text, if
     * needOverlap (else q is 0).
     */
    private int find(int j, String s, int i, int end, boolean dot, boolean stopAtFull,
            boolean needOverlap, Glob.Steps steps) {
        int a = segStart[j];
        int b = segEnd[j];
        int length = b - a;
        long count = 0;
        if (segLiteral[j]) {
            int q = 0;
            int pos = i;
            while (pos < end) {
                if (!needOverlap && end - pos < length - q) {
                    break; // too few chars left to finish the segment
                }
                int c = at(s, pos, end, dot);
                pos += Character.charCount(c);
                while (true) {
                    count++;
                    if (lit[a + q] == c) {
                        q++;
                        break;
                    }
                    if (q == 0) {
                        break;
                    }
                    q = border[a + q - 1];
                }
                if (q == length) {
                    if (stopAtFull) {
                        done(false, count, steps);
                        return pos;
                    }
                    q = border[b - 1];
                }
            }
            done(false, count, steps);
            return needOverlap ? -(q + 1) : -1;
        }
        int start = i;
        while (start < end) {
            if (!needOverlap && end - start < length) {
                break;
            }
            int pos = start;
            int p = a;
            int first = -1;
            while (p < b && pos < end) {
                int c = at(s, pos, end, dot);
                if (first < 0) {
                    first = c;
                }
                count++;
                if (!accepts(p, c)) {
                    break;
                }
                pos += Character.charCount(c);
                p++;
            }
            if (p == b) {
                if (stopAtFull) {
                    done(false, count, steps);
                    return pos;
                }
            } else if (pos == end) {
                // The text ends inside the segment: no later start gets further.
                done(false, count, steps);
                return needOverlap ? -(p - a + 1) : -1;
            }
            start += Character.charCount(first);
        }
        done(false, count, steps);
        return -1;
    }
}
