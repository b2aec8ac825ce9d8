package org.jftrace.internal.glob;

import java.util.Arrays;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * One filter pattern of the kernel's {@code set_ftrace_filter} syntax, adapted to Java method
 * names: a parsed, immutable glob over a function name, optionally narrowed to an overload by its
 * parameter list and to a module or jar by {@code :mod:}.
 *
 * <p>Why one class past 500 lines: the grammar below, its parser and its matcher change together,
 * and a good part of the file is the grammar's documentation with examples.
 *
 * <h2>Syntax</h2>
 *
 * A pattern, with surrounding whitespace trimmed, is
 *
 * <pre>{@code
 * [!] NAMEGLOB [ '(' PARAMGLOB ')' ] [ ':mod:' MODGLOB ]
 * }</pre>
 *
 * <ul>
 *   <li>A leading {@code !} makes the pattern negative: it removes what it matches from a filter.
 *       {@link #negated()} reports it; {@link #matches matches} does not invert.
 *   <li>{@code NAMEGLOB} is matched against the full function name {@code binary.class.Name.method},
 *       for example {@code java.util.HashMap.get}, {@code com.acme.Outer$Inner.run},
 *       {@code java.lang.String.<init>}, {@code com.x.Y.<clinit>} or
 *       {@code com.x.Y.lambda$main$0}. Glob characters: {@code *} matches any run of characters
 *       (including {@code .} and {@code $}), {@code ?} exactly one character, {@code [...]} one
 *       character of a class: ranges such as {@code a-z}, negation with {@code [!...]} or
 *       {@code [^...]}, and a {@code ]} right after the opening bracket (and negation) is literal.
 *       {@code \} escapes the next character ({@code \*} is a literal star, {@code \[} a literal
 *       bracket). {@code <}, {@code >} and {@code $} are ordinary characters.
 *       A character is a Unicode code point, in the pattern and in the names: {@code ?} matches
 *       one code point, so a character outside the BMP such as {@code U+1F600} (a surrogate pair,
 *       two Java {@code char}s) is one character for {@code ?} and {@code [...]}, a range may
 *       name such characters, and {@code *} never stops inside a pair. An unpaired surrogate
 *       counts as one character.
 *   <li>{@code PARAMGLOB}, if present, picks overloads. It is matched against the Java parameter
 *       list without its parentheses, written as source types separated by commas with no spaces:
 *       {@code int,java.lang.String}, {@code java.lang.Object}, the empty string (no parameters),
 *       {@code int[],java.lang.String[][]}, {@code java.util.Map$Entry}. Whitespace in it is
 *       ignored, {@code *} and {@code ?} are wildcards (a {@code *} also crosses commas),
 *       {@code []} is a literal array suffix, and there are no character classes. Without a
 *       parameter list every overload matches.
 *   <li>{@code :mod:MODGLOB}, if present, comes last and restricts the pattern to a module or
 *       jar. {@code MODGLOB} (the same glob syntax as {@code NAMEGLOB}) is matched against the
 *       candidate's module string: a JPMS module name such as {@code java.base}, or for class
 *       path classes a jar file name such as {@code guava-33.0.0-jre.jar} or a directory name such
 *       as {@code classes}. A module string ending in {@code .jar} also matches when
 *       {@code MODGLOB} matches it without that suffix. An unknown (empty) module never matches.
 *       {@code NAMEGLOB} may be empty before {@code :mod:}: it then means {@code *}.
 * </ul>
 *
 * Examples:
 *
 * <pre>{@code
 * java.util.HashMap.get                          exactly that method, every overload
 * java.util.*Map.put                             put of every class whose name ends in Map
 * java.util.HashMap.put(java.lang.Object,java.lang.Object)   that overload only
 * com.acme.Foo.run()                             the zero-argument overload only
 * com.acme.Foo.sort(int[])                       the overload taking an int array
 * com.acme.Foo.log(java.lang.String,*)           String first, at least one more parameter
 * com.acme.Outer$Inner.<init>                    the constructors of a nested class
 * com.acme.Foo.[gs]et?                           getX, setY, ... (one character after get/set)
 * com.acme.Foo.[!a-m]*                           methods that do not start with a to m
 * !com.acme.Foo.toString                         remove toString from the filter
 * *:mod:java.base                                every method of module java.base
 * :mod:guava-*                                   every method from a guava jar (suffix .jar optional)
 * com.acme.*:mod:classes                         com.acme classes loaded from a "classes" directory
 * com.acme.Weird\*Name.run                       a literal '*' in the name
 * }</pre>
 *
 * A malformed pattern makes {@link #parse} throw {@link FtraceException} with {@link Errno#EINVAL}
 * and a message that quotes the pattern, gives the 1-based column of the problem (counted in
 * {@code char}s) and says what to change. Only {@code :mod:} is supported of the kernel's filter
 * commands ({@code :traceon}, {@code :snapshot} and the others are rejected). A pattern longer
 * than {@link #MAX_LENGTH} (4096) {@code char}s, after trimming, is malformed too: the kernel
 * reads each {@code set_ftrace_filter} pattern into a buffer of {@code FTRACE_BUFF_MAX} bytes (one
 * symbol name plus room for wildcards, a few hundred bytes) and rejects a longer one with
 * {@code EINVAL}; a Java function name with a parameter list is longer than a kernel symbol, so
 * the limit here is a page, room for a long literal signature, and it bounds the memory and the
 * parse time of one pattern.
 *
 * <h2>Cost of matching</h2>
 *
 * Stars cut a glob into star-free segments; each matches a fixed number of characters. With
 * {@code n} the length of the name and {@code L} the longest segment that holds a {@code ?} or a
 * class, {@link #matches matches} compares at most {@code 3n + 2 + n * L} glob tokens with
 * characters of the name, whatever the length of the glob (and the same for a parameter list or
 * a module against its glob): the first segment is anchored at the start and the last at the
 * end of the name, the segments between are found left to right, each at the earliest place
 * after the one before (the earliest place is never worse), a literal segment by
 * Knuth-Morris-Pratt (at most two comparisons per character it passes) and a segment with
 * {@code ?} or a class by trying each start (at most its length per start). It gives up before
 * looking at the name when the name is shorter than the characters the segments need, and
 * before each segment when the rest of the name is, so a pattern of many stars such as
 * {@code *a*a*a...*b} costs a few steps per name, not one per star. For the usual patterns,
 * literals and stars, matching is linear in the name. {@link #mayMatchClass} has the same bound,
 * with {@code n} the length of the class name plus one, and stops as soon as the class name is
 * used up. Parsing is linear in the pattern.
 *
 * <p>Instances are immutable and thread-safe; {@link #equals}, {@link #hashCode} and
 * {@link #toString} are those of {@link #text()}. Matching uses no regular expressions and
 * {@link #matches matches} does not allocate. This class uses no lambdas, method references or
 * streams: it runs inside a java agent where {@code invokedynamic} on its path is forbidden.
 */
public final class Glob {

    /**
     * The longest pattern {@link #parse} accepts, in {@code char}s after trimming: a page, as the
     * class documentation explains.
     */
    public static final int MAX_LENGTH = 4096;

    private static final byte LIT = 0;
    private static final byte ANY = 1;
    private static final byte STAR = 2;
    private static final byte CLASS = 3;

    /** The kernel's other set_ftrace_filter commands, named in the message when one is used. */
    private static final String[] KERNEL_COMMANDS = {
        "traceon", "traceoff", "snapshot", "enable_event", "disable_event", "dump", "cpudump",
        "stacktrace"
    };

    private final String text;
    private final boolean negated;
    private final Program name;
    /** {@code null} when the pattern has no parameter list. */
    private final Program params;
    /** {@code null} when the pattern has no {@code :mod:}. */
    private final Program module;
    /** {@code null} when NAMEGLOB has a wildcard or class. */
    private final String literalName;

    private Glob(String text, boolean negated, Program name, Program params, Program module) {
        this.text = text;
        this.negated = negated;
        this.name = name;
        this.params = params;
        this.module = module;
        this.literalName = name.literal();
    }

    /**
     * Parses one filter pattern.
     *
     * @param text the pattern; surrounding whitespace is ignored
     * @return the parsed pattern
     * @throws NullPointerException if {@code text} is {@code null}
     * @throws FtraceException      with {@link Errno#EINVAL} if the pattern is malformed; the
     *                              message quotes it, gives the column and says what to change
     */
    public static Glob parse(String text) {
        if (text == null) {
            throw new NullPointerException("text");
        }
        String t = text.trim();
        if (t.length() > MAX_LENGTH) {
            throw tooLong(t);
        }
        return new Parser(t).parse();
    }

    /** The error for a pattern over {@link #MAX_LENGTH}; it quotes only the pattern's start. */
    private static FtraceException tooLong(String t) {
        int cut = 40;
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return new FtraceException(Errno.EINVAL, "malformed filter \"" + t.substring(0, cut)
                + "...\" at column " + (MAX_LENGTH + 1) + ": the pattern is " + t.length()
                + " characters long, over the limit of " + MAX_LENGTH + " characters; shorten it,"
                + " or give several patterns separately");
    }

    /** {@return whether the pattern starts with {@code !}, i.e. removes what it matches} */
    public boolean negated() {
        return negated;
    }

    /** {@return the pattern text as given to {@link #parse}, trimmed, including any {@code !}} */
    public String text() {
        return text;
    }

    /** {@return whether the pattern has a parameter list {@code (...)} that selects overloads} */
    public boolean hasParameterList() {
        return params != null;
    }

    /** {@return whether the pattern has a {@code :mod:} part} */
    public boolean hasModule() {
        return module != null;
    }

    /**
     * Returns the exact function name that NAMEGLOB matches when it has no wildcard and no
     * character class (escapes resolved), for a fast exact lookup; {@code null} otherwise.
     *
     * @return the literal function name, or {@code null}
     */
    public String literalName() {
        return literalName;
    }

    /**
     * Tells whether a function matches this pattern, ignoring the sign: a negated pattern
     * answers the same as its positive form.
     *
     * @param functionName  the full name {@code binary.class.Name.method}, not {@code null}
     * @param parameterList the parameter list with its parentheses, such as
     *                      {@code (int,java.lang.String)} or {@code ()}; only read when the
     *                      pattern has a parameter list, and {@code null} then never matches
     * @param module        the module name, jar file name or directory name; {@code ""} or
     *                      {@code null} (unknown) never matches a {@code :mod:} pattern
     * @return whether all parts of the pattern match
     * @throws NullPointerException if {@code functionName} is {@code null}
     */
    public boolean matches(String functionName, String parameterList, String module) {
        return matches(functionName, parameterList, module, null);
    }

    /** {@link #matches(String, String, String)} that adds its comparisons to {@code steps}. */
    boolean matches(String functionName, String parameterList, String module, Steps steps) {
        if (!name.matches(functionName, 0, functionName.length(), steps)) {
            return false;
        }
        if (params != null) {
            if (parameterList == null) {
                return false;
            }
            int from = 0;
            int to = parameterList.length();
            if (to > 0 && parameterList.charAt(0) == '(') {
                from = 1;
                int close = parameterList.indexOf(')', 1);
                if (close >= 0) {
                    to = close;
                }
            }
            if (!params.matches(parameterList, from, to, steps)) {
                return false;
            }
        }
        if (this.module != null) {
            if (module == null || module.isEmpty()) {
                return false;
            }
            int length = module.length();
            if (!this.module.matches(module, 0, length, steps)
                    && !(module.endsWith(".jar")
                            && this.module.matches(module, 0, length - 4, steps))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A cheap, conservative pre-filter by class: returns {@code false} only if no method of a
     * class with this binary name can match NAMEGLOB, that is, no string
     * {@code className + "." + M} with {@code M} non-empty and free of {@code '.'} matches it. It
     * may return {@code true} when in the end no method matches (the parameter list and module are
     * not considered), but never {@code false} when one could.
     *
     * @param className the binary class name, such as {@code java.util.HashMap$Node}
     * @return {@code false} if no method of the class can match
     */
    public boolean mayMatchClass(String className) {
        return name.mayMatchMethodOf(className, null);
    }

    /** {@link #mayMatchClass(String)} that adds its comparisons to {@code steps}. */
    boolean mayMatchClass(String className, Steps steps) {
        return name.mayMatchMethodOf(className, steps);
    }

    /**
     * For tests: the {@code L} of the class documentation for NAMEGLOB, the length of its longest
     * segment that holds a {@code ?} or a class (0 if none).
     */
    int longestWildSegment() {
        return name.longestWildSegment();
    }

    /**
     * For tests: counts the comparisons of a pattern token with a character that matching makes,
     * the quantity the class documentation bounds. Matching without one ({@code null}) counts
     * nothing.
     */
    static final class Steps {
        long count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob && ((Glob) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** {@return the pattern text, the same as {@link #text()}} */
    @Override
    public String toString() {
        return text;
    }

    /**
     * A compiled glob: an array of tokens, each of which but {@code STAR} consumes exactly one
     * character (code point). Consecutive stars are collapsed into one, so the stars cut the
     * tokens into segments of which only the first and the last may be empty.
     */
    private static final class Program {
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

        Program(int size, byte[] kind, int[] lit, int[][] ranges, boolean[] negatedClass) {
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

        private static boolean done(boolean result, long count, Steps steps) {
            if (steps != null) {
                steps.count += count;
            }
            return result;
        }

        /**
         * Matches s[from, to): the first segment from the start, the last from the end, the ones
         * between each at the earliest place after the one before.
         */
        boolean matches(String s, int from, int to, Steps steps) {
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
        boolean mayMatchMethodOf(String className, Steps steps) {
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
                boolean needOverlap, Steps steps) {
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

    /** Collects tokens for a {@link Program}. */
    private static final class Builder {
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

        Program build() {
            return new Program(size, Arrays.copyOf(kind, size), Arrays.copyOf(lit, size),
                    Arrays.copyOf(ranges, size), Arrays.copyOf(negatedClass, size));
        }
    }

    /** A one-shot recursive-descent reader of one trimmed pattern. */
    private static final class Parser {
        private final String t;
        private final int length;

        Parser(String t) {
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
            Builder name = new Builder();
            i = glob(i, name, true);
            Program params = null;
            int paramOpen = -1;
            if (i < length && t.charAt(i) == ')') {
                throw fail(i, "')' without '('; a parameter list is written '(...)' after the"
                        + " function glob, as in 'foo(int)', or escape it as '\\)'");
            }
            if (i < length && t.charAt(i) == '(') {
                paramOpen = i;
                Builder p = new Builder();
                i = skipSpace(parameterList(i, p));
                params = p.build();
                if (i < length && t.charAt(i) != ':') {
                    throw fail(i, "unexpected text after ')'; only ':mod:MODULE' may follow the"
                            + " parameter list, as in 'foo(int):mod:java.base'");
                }
            }
            Program module = null;
            if (i < length) { // t.charAt(i) == ':'
                if (!t.startsWith(":mod:", i)) {
                    throw colon(i);
                }
                int modStart = i;
                i = skipSpace(i + 5);
                Builder m = new Builder();
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
        private int glob(int i, Builder b, boolean nameGlob) {
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
        private int charClass(int open, Builder b) {
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
        private int parameterList(int open, Builder b) {
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
}
