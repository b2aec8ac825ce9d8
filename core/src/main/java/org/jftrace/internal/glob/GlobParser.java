package org.jftrace.internal.glob;

import static org.jftrace.internal.glob.Glob.KERNEL_COMMANDS;

import java.util.Arrays;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/** A one-shot recursive-descent reader of one trimmed pattern. */
final class GlobParser {
    private final String t;
    private final int length;

    GlobParser(String t) {
        this.t = t;
        this.length = t.length();
    }

    Glob parse() {
        if (length == 0) {
            throw fail(0, "the pattern is empty; write a function glob such as"
                    + " 'java.util.HashMap.get' or '*'");
        }
        int i = 0;
        boolean negated = false;
        if (t.charAt(0) == '!') {
            negated = true;
            i = skipSpace(1);
            if (i == length) {
                throw fail(1, "nothing follows '!'; write the function glob to remove,"
                        + " as in '!java.util.HashMap.get'");
            }
        }
        GlobBuilder name = new GlobBuilder();
        i = glob(i, name, true);
        GlobProgram params = null;
        int paramOpen = -1;
        if (i < length && t.charAt(i) == ')') {
            throw fail(i, "')' without '('; a parameter list is written '(...)' after the"
                    + " function glob, as in 'foo(int)', or escape it as '\\)'");
        }
        if (i < length && t.charAt(i) == '(') {
            paramOpen = i;
            GlobBuilder p = new GlobBuilder();
            i = skipSpace(parameterList(i, p));
            params = p.build();
            if (i < length && t.charAt(i) != ':') {
                throw fail(i, "unexpected text after ')'; only ':mod:MODULE' may follow the"
                        + " parameter list, as in 'foo(int):mod:java.base'");
            }
        }
        GlobProgram module = null;
        if (i < length) { // t.charAt(i) == ':'
            if (!t.startsWith(":mod:", i)) {
                throw colon(i);
            }
            int modStart = i;
            i = skipSpace(i + 5);
            GlobBuilder m = new GlobBuilder();
            i = glob(i, m, false);
            if (i < length) {
                char c = t.charAt(i);
                if (c == ':') {
                    throw fail(i, "':' inside the module glob; ':mod:MODULE' comes last and"
                            + " only once (escape a literal ':' as '\\:')");
                }
                throw fail(i, "'" + c + "' inside the module glob; the parameter list goes"
                        + " before ':mod:', as in 'foo(int):mod:java.base' (or escape it as '\\"
                        + c + "')");
            }
            if (m.isEmpty()) {
                throw fail(modStart, "nothing follows ':mod:'; name a module or jar, as in"
                        + " ':mod:java.base' or ':mod:guava-*'");
            }
            module = m.build();
        }
        if (name.isEmpty()) {
            if (module == null) {
                throw fail(paramOpen >= 0 ? paramOpen : 0, "the function glob is empty;"
                        + " write '*' for every function, as in '*(int)'");
            }
            name.star();
        }
        return new Glob(t, negated, name.build(), params, module);
    }

    /**
     * Reads a glob from i into b up to the end or an unescaped '(' ')' ':' outside a class,
     * and returns that index. In a name glob whitespace may only precede '(' or ':'.
     */
    private int glob(int i, GlobBuilder b, boolean nameGlob) {
        while (i < length) {
            char c = t.charAt(i);
            switch (c) {
                case '\\': {
                    int e = escaped(i);
                    b.literal(e);
                    i += 1 + Character.charCount(e);
                    break;
                }
                case '*':
                    b.star();
                    i++;
                    break;
                case '?':
                    b.any();
                    i++;
                    break;
                case '[':
                    i = charClass(i, b);
                    break;
                case '(':
                case ')':
                case ':':
                    return i;
                default:
                    if (nameGlob && Character.isWhitespace(c)) {
                        int j = skipSpace(i);
                        if (j < length && (t.charAt(j) == '(' || t.charAt(j) == ':')) {
                            return j;
                        }
                        throw fail(i, "whitespace inside the function glob; a Java function"
                                + " name has none: remove it, or give several patterns"
                                + " separately");
                    }
                    int cp = t.codePointAt(i);
                    b.literal(cp);
                    i += Character.charCount(cp);
                    break;
            }
        }
        return i;
    }

    /** Reads the class that opens at index open; returns the index after its ']'. */
    private int charClass(int open, GlobBuilder b) {
        int i = open + 1;
        boolean neg = false;
        if (i < length && (t.charAt(i) == '!' || t.charAt(i) == '^')) {
            neg = true;
            i++;
        }
        int[] r = new int[8];
        int n = 0;
        boolean first = true;
        while (true) {
            if (i >= length) {
                throw fail(open, "'[' is never closed; close it with ']' or escape it as '\\['");
            }
            char c = t.charAt(i);
            if (c == ']') {
                if (!first) {
                    i++;
                    break;
                }
                if (t.indexOf(']', i + 1) < 0) {
                    throw fail(open, "empty character class '[]' matches nothing; put"
                            + " characters between the brackets, as in '[a-z]', or escape a"
                            + " literal bracket as '\\['");
                }
            }
            int loAt = i;
            int lo;
            if (c == '\\') {
                lo = escaped(i);
                i += 1 + Character.charCount(lo);
            } else {
                lo = t.codePointAt(i);
                i += Character.charCount(lo);
            }
            int hi = lo;
            if (i + 1 < length && t.charAt(i) == '-' && t.charAt(i + 1) != ']') {
                i++;
                if (t.charAt(i) == '\\') {
                    hi = escaped(i);
                    i += 1 + Character.charCount(hi);
                } else {
                    hi = t.codePointAt(i);
                    i += Character.charCount(hi);
                }
                if (hi < lo) {
                    String l = Character.toString(lo);
                    String h = Character.toString(hi);
                    throw fail(loAt, "the range '" + l + "-" + h + "' runs backwards;"
                            + " write it as '" + h + "-" + l + "'");
                }
            }
            if (n == r.length) {
                r = Arrays.copyOf(r, n * 2);
            }
            r[n++] = lo;
            r[n++] = hi;
            first = false;
        }
        b.charClass(Arrays.copyOf(r, n), neg);
        return i;
    }

    /** Reads the parameter list that opens at index open; returns the index after ')'. */
    private int parameterList(int open, GlobBuilder b) {
        int i = open + 1;
        while (true) {
            if (i >= length) {
                throw unclosed(open);
            }
            char c = t.charAt(i);
            switch (c) {
                case ')':
                    return i + 1;
                case '\\': {
                    int e = escaped(i);
                    b.literal(e);
                    i += 1 + Character.charCount(e);
                    break;
                }
                case '*':
                    b.star();
                    i++;
                    break;
                case '?':
                    b.any();
                    i++;
                    break;
                case '[': {
                    int j = skipSpace(i + 1);
                    if (j >= length || t.charAt(j) != ']') {
                        throw fail(i, "'[' in a parameter list must be followed by ']', an"
                                + " array suffix as in 'int[]'; character classes are not"
                                + " supported inside '(...)'");
                    }
                    b.literal('[');
                    b.literal(']');
                    i = j + 1;
                    break;
                }
                case ']':
                    throw fail(i, "']' without '[' in the parameter list; an array type is"
                            + " written 'int[]'");
                case '(':
                    throw fail(i, "'(' inside the parameter list; write the parameter types"
                            + " separated by ',', as in 'foo(int,java.lang.String)'");
                case ':':
                    if (t.indexOf(')', i) < 0) {
                        throw unclosed(open);
                    }
                    throw fail(i, "':' inside the parameter list; ':mod:MODULE' goes after"
                            + " ')', as in 'foo(int):mod:java.base'");
                default: {
                    int cp = t.codePointAt(i);
                    if (!Character.isWhitespace(cp)) {
                        b.literal(cp);
                    }
                    i += Character.charCount(cp);
                    break;
                }
            }
        }
    }

    private FtraceException unclosed(int open) {
        return fail(open, "'(' is never closed; close the parameter list with ')', as in"
                + " 'foo(int)', or escape it as '\\('");
    }

    /** The error for a ':' at index i that does not start ':mod:'. */
    private FtraceException colon(int i) {
        if (t.startsWith("::", i)) {
            return fail(i, "'::' is not a separator here; a function name separates class"
                    + " and method with '.', as in 'java.util.HashMap.get'");
        }
        int k = i + 1;
        while (k < length && (Character.isLetterOrDigit(t.charAt(k)) || t.charAt(k) == '_')) {
            k++;
        }
        String word = t.substring(i + 1, k);
        if (word.equals("mod")) {
            return fail(i, "':mod' must be followed by ':' and a module glob, as in"
                    + " 'java.util.*:mod:java.base'");
        }
        for (String command : KERNEL_COMMANDS) {
            if (command.equals(word)) {
                return fail(i, "':" + word + "' is a command of the kernel's"
                        + " set_ftrace_filter that is not supported here; the only supported"
                        + " command is ':mod:MODULE'");
            }
        }
        if (!word.isEmpty()) {
            return fail(i, "':" + word + "' is not supported; the only supported command is"
                    + " ':mod:MODULE' (escape a literal ':' as '\\:')");
        }
        return fail(i, "unexpected ':'; the only supported command is ':mod:MODULE', as in"
                + " 'java.util.*:mod:java.base' (escape a literal ':' as '\\:')");
    }

    /** {@return the character (code point) that the backslash at index i escapes} */
    private int escaped(int i) {
        if (i + 1 >= length) {
            throw fail(i, "'\\' at the end escapes nothing; remove it, or write '\\\\' for a"
                    + " literal backslash");
        }
        return t.codePointAt(i + 1);
    }

    private int skipSpace(int i) {
        while (i < length && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }

    private FtraceException fail(int index, String what) {
        return new FtraceException(Errno.EINVAL, "malformed filter \"" + t + "\" at column "
                + (index + 1) + ": " + what);
    }
}
