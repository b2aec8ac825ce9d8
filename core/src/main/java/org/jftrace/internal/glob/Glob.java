package org.jftrace.internal.glob;

import java.util.Arrays;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * One filter pattern of the kernel's {@code set_ftrace_filter} syntax, adapted to Java method
 * names: a parsed, immutable glob over a function name, optionally narrowed to an overload by its
 * parameter list and to a module or jar by {@code :mod:}.
 *
 * <p>The grammar and the matching bound are documented here; the parser is {@link GlobParser},
 * the compiled matcher {@link GlobProgram}.
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

    static final byte LIT = 0;
    static final byte ANY = 1;
    static final byte STAR = 2;
    static final byte CLASS = 3;

    /** The kernel's other set_ftrace_filter commands, named in the message when one is used. */
    static final String[] KERNEL_COMMANDS = {
        "traceon", "traceoff", "snapshot", "enable_event", "disable_event", "dump", "cpudump",
        "stacktrace"
    };

    private final String text;
    private final boolean negated;
    private final GlobProgram name;
    /** {@code null} when the pattern has no parameter list. */
    private final GlobProgram params;
    /** {@code null} when the pattern has no {@code :mod:}. */
    private final GlobProgram module;
    /** {@code null} when NAMEGLOB has a wildcard or class. */
    private final String literalName;

    Glob(String text, boolean negated, GlobProgram name, GlobProgram params, GlobProgram module) {
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
        return new GlobParser(t).parse();
    }

    /** The error for a pattern over {@link #MAX_LENGTH}; it quotes only the pattern's start. */
    static FtraceException tooLong(String t) {
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
}
