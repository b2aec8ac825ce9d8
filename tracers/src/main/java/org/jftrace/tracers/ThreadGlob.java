package org.jftrace.tracers;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * A glob over thread names: {@code *} any run of characters, {@code ?} one character,
 * {@code [abc]}, {@code [a-z]}, {@code [!a-z]} one of (or none of) a set, {@code \} escapes the next
 * character. Matching allocates nothing (it runs per traced call under a thread filter).
 */
final class ThreadGlob {
    private final String glob;

    /** @throws FtraceException EINVAL for an empty glob or an unclosed {@code [} (the message says where) */
    ThreadGlob(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new FtraceException(Errno.EINVAL, "empty thread name glob: give a name or a glob such as worker-*");
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[' && classEnd(glob, i) < 0) {
                throw new FtraceException(Errno.EINVAL, "thread name glob '" + glob + "': the '[' at column " + (i + 1)
                        + " is not closed: add ']' or write \\[ for the character itself");
            }
        }
        this.glob = glob;
    }

    String glob() {
        return glob;
    }

    /** {@return the index of the ']' closing the class opened at {@code open}, or -1} */
    private static int classEnd(String g, int open) {
        int i = open + 1;
        if (i < g.length() && (g.charAt(i) == '!' || g.charAt(i) == '^')) {
            i++;
        }
        if (i < g.length() && g.charAt(i) == ']') {
            i++; // a leading ']' is a member
        }
        for (; i < g.length(); i++) {
            if (g.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    /** {@return whether {@code s} matches}: the classic backtracking over the last {@code *}, no allocation */
    boolean matches(String s) {
        final String g = glob;
        int gi = 0;
        int si = 0;
        int starG = -1;
        int starS = 0;
        while (si < s.length()) {
            if (gi < g.length()) {
                char c = g.charAt(gi);
                if (c == '*') {
                    starG = gi++;
                    starS = si;
                    continue;
                }
                int next = single(g, gi, s.charAt(si));
                if (next >= 0) {
                    gi = next;
                    si++;
                    continue;
                }
            }
            if (starG < 0) {
                return false;
            }
            gi = starG + 1;
            si = ++starS;
        }
        while (gi < g.length() && g.charAt(gi) == '*') {
            gi++;
        }
        return gi == g.length();
    }

    /** {@return the glob index after the element at {@code gi} if it matches {@code ch}, else -1} */
    private static int single(String g, int gi, char ch) {
        char c = g.charAt(gi);
        if (c == '?') {
            return gi + 1;
        }
        if (c == '\\' && gi + 1 < g.length()) {
            return g.charAt(gi + 1) == ch ? gi + 2 : -1;
        }
        if (c != '[') {
            return c == ch ? gi + 1 : -1;
        }
        int end = classEnd(g, gi);
        int i = gi + 1;
        boolean negate = g.charAt(i) == '!' || g.charAt(i) == '^';
        if (negate) {
            i++;
        }
        boolean in = false;
        int first = i;
        for (; i < end; i++) {
            char lo = g.charAt(i);
            if (lo == ']' && i != first) {
                break;
            }
            if (i + 2 < end && g.charAt(i + 1) == '-') {
                if (ch >= lo && ch <= g.charAt(i + 2)) {
                    in = true;
                }
                i += 2;
            } else if (lo == ch) {
                in = true;
            }
        }
        return in != negate ? end + 1 : -1;
    }
}
