package org.jftrace.internal.glob;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link Glob} over random patterns and names, from a seeded generator of our own
 * (each try has its own seed; a failure is shrunk to fewer pattern pieces and names the seed).
 * {@code -Djftrace.glob.tries=N} runs more tries, {@code -Djftrace.glob.seed=S} other ones.
 */
class GlobPropertyTest {

    private static final int TRIES = Integer.getInteger("jftrace.glob.tries", 3000);
    private static final long SEED = Long.getLong("jftrace.glob.seed", 20_250_101L);

    private static final String GRIN = "\uD83D\uDE00";
    private static final Pattern COLUMN = Pattern.compile(" at column (\\d+): ");

    /** The pieces junk patterns are made of: the glob alphabet, and some non-ASCII. */
    private static final String[] PIECES = {
        "a", "b", "Z", "0", ".", "$", "*", "?", "[", "]", "!", "^", "-", "\\", "(", ")", ",",
        ":mod:", ":", " ", "\t", "\u00e9", GRIN, "\uD83D", "\uDE00", "<init>", "int", "[]",
        "java.util.", "**", "[!", "]-", "\\]"
    };

    private static final String[] NAME_PIECES = {
        "a", "b", ".", "$", "*", "\u00e9", GRIN, "\uD83D", "\uDE00", "java", "<init>", "int",
        ",", "(", ")", ":", "[", "]"
    };

    /** A pattern piece whose meaning the test knows, for the oracles. */
    private static final class Atom {
        final String glob;
        final String regex;
        /** null for a star. */
        final IntPredicate accepts;
        final boolean wild;

        Atom(String glob, String regex, IntPredicate accepts, boolean wild) {
            this.glob = glob;
            this.regex = regex;
            this.accepts = accepts;
            this.wild = wild;
        }

        static Atom lit(String glob, String regex, int c) {
            return new Atom(glob, regex, x -> x == c, false);
        }
    }

    private static final Atom[] ATOMS = {
        Atom.lit("a", "a", 'a'),
        Atom.lit("b", "b", 'b'),
        new Atom("*", ".*", null, false),
        new Atom("?", ".", x -> true, true),
        new Atom("[ab]", "[ab]", x -> x == 'a' || x == 'b', true),
        Atom.lit(".", "\\.", '.'),
        Atom.lit("$", "\\$", '$'),
        Atom.lit("\\*", "\\*", '*'),
        Atom.lit("\\?", "\\?", '?'),
        Atom.lit("\u00e9", "\u00e9", 0xe9),
        Atom.lit(GRIN, GRIN, 0x1F600),
        new Atom("[!a]", "[^a]", x -> x != 'a', true),
        new Atom("[a-b]", "[a-b]", x -> x >= 'a' && x <= 'b', true),
        new Atom("[.]", "[.]", x -> x == '.', true),
        new Atom("[!.]", "[^.]", x -> x != '.', true),
        new Atom("[" + GRIN + "a]", "[" + GRIN + "a]", x -> x == 0x1F600 || x == 'a', true),
        new Atom("[!" + GRIN + "]", "[^" + GRIN + "]", x -> x != 0x1F600, true),
        new Atom("[a-" + GRIN + "]", "[a-" + GRIN + "]", x -> x >= 'a' && x <= 0x1F600, true),
    };

    private static final String[] NAME_ALPHABET = {
        "a", "b", "c", ".", "$", "*", "?", "\u00e9", GRIN
    };

    /**
     * Every other try draws from these only, mostly literals: repetitive text where partial
     * matches of a segment overlap. Indices into {@link #ATOMS}: a, b, *, ?, [ab], '.'.
     */
    private static final int[] NARROW_ATOMS = {
        0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 5, 5
    };
    private static final String[] NARROW_ALPHABET = {"a", "a", "a", "b", "."};

    // ------------------------------------------------------------------ junk patterns

    /**
     * Any pattern from the glob alphabet parses to a Glob or is EINVAL with a column inside it;
     * nothing else is thrown, by parse or by matching, and matching stays within the bound.
     */
    @Test
    void anyPatternParsesOrIsEinvalWithAColumnAndMatchingNeverThrows() {
        for (int t = 0; t < TRIES; t++) {
            long seed = SEED + t;
            Random random = new Random(seed);
            List<String> pieces = new ArrayList<>();
            int count = random.nextInt(10) == 0 ? 20 + random.nextInt(200) : 1 + random.nextInt(12);
            for (int k = 0; k < count; k++) {
                pieces.add(PIECES[random.nextInt(PIECES.length)]);
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                names.add(randomName(random, NAME_PIECES, random.nextInt(8) == 0 ? 120 : 10));
            }
            String failure = junkFailure(pieces, names);
            if (failure != null) {
                shrinkAndFail(seed, pieces, names, failure, true);
            }
        }
    }

    private static String junkFailure(List<String> pieces, List<String> names) {
        String pattern = String.join("", pieces);
        Glob g;
        try {
            g = Glob.parse(pattern);
        } catch (FtraceException e) {
            if (e.errno() != Errno.EINVAL) {
                return "errno " + e.errno();
            }
            Matcher m = COLUMN.matcher(e.getMessage());
            if (!m.find()) {
                return "no column in: " + e.getMessage();
            }
            int column = Integer.parseInt(m.group(1));
            if (column < 1 || column > pattern.trim().length() + 1) {
                return "column " + column + " outside the pattern: " + e.getMessage();
            }
            return null;
        } catch (RuntimeException | Error e) {
            return "parse threw " + e;
        }
        String[] lists = {null, "", "()", "(int)", "(" + GRIN + ",a[])", "(java.util.Map$Entry)"};
        String[] modules = {null, "", "a", "a.jar", ".jar", "java.base", GRIN + ".jar"};
        int k = 0;
        for (String name : names) {
            try {
                g.matches(name, lists[k % lists.length], modules[k % modules.length]);
                g.mayMatchClass(name);
                k++;
                long steps = GlobBoundTest.nameSteps(g, name);
                long bound = GlobBoundTest.bound(g, name.length());
                if (steps > bound) {
                    return steps + " steps matching \"" + name + "\", over " + bound;
                }
                steps = GlobBoundTest.classSteps(g, name);
                bound = GlobBoundTest.bound(g, name.length() + 1);
                if (steps > bound) {
                    return steps + " steps for class \"" + name + "\", over " + bound;
                }
            } catch (RuntimeException | Error e) {
                return "matching \"" + name + "\" threw " + e;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ well-formed patterns

    /**
     * Patterns of known meaning: matches agrees with a state-set simulation over code points
     * (and, for short names, with a regular expression), mayMatchClass with the same
     * simulation, and both stay within the bound of the class
     * documentation, computed here from the atoms.
     */
    @Test
    void wellFormedPatternsAgreeWithOraclesWithinTheBound() {
        for (int t = 0; t < TRIES; t++) {
            long seed = SEED + 1_000_000 + t;
            Random random = new Random(seed);
            boolean narrow = t % 2 == 1;
            String[] alphabet = narrow ? NARROW_ALPHABET : NAME_ALPHABET;
            List<Atom> atoms = new ArrayList<>();
            int count = random.nextInt(10) == 0 ? 20 + random.nextInt(150) : 1 + random.nextInt(8);
            for (int k = 0; k < count; k++) {
                atoms.add(narrow ? ATOMS[NARROW_ATOMS[random.nextInt(NARROW_ATOMS.length)]]
                        : ATOMS[random.nextInt(ATOMS.length)]);
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                names.add(randomName(random, alphabet, random.nextInt(8) == 0 ? 200 : 12));
            }
            String failure = oracleFailure(atoms, names);
            if (failure != null) {
                List<String> globs = new ArrayList<>();
                for (Atom a : atoms) {
                    globs.add(a.glob);
                }
                shrinkAndFail(seed, globs, names, failure, false);
            }
        }
    }

    private static String oracleFailure(List<Atom> atoms, List<String> names) {
        StringBuilder glob = new StringBuilder();
        StringBuilder regex = new StringBuilder();
        int longestWild = 0;
        int stars = 0;
        int length = 0;
        boolean wild = false;
        for (Atom a : atoms) {
            glob.append(a.glob);
            regex.append(a.regex);
            if (a.accepts == null) {
                stars++;
                length = 0;
                wild = false;
            } else {
                length++;
                wild |= a.wild;
                if (wild) {
                    longestWild = Math.max(longestWild, length);
                }
            }
        }
        Glob g;
        try {
            g = Glob.parse(glob.toString());
        } catch (RuntimeException e) {
            return "parse threw " + e;
        }
        Pattern p = Pattern.compile(regex.toString(), Pattern.DOTALL);
        for (String name : names) {
            boolean expected = matchesOracle(atoms, name);
            // The regular expression backtracks exponentially: few stars, short names only.
            if (stars <= 4 && name.length() <= 16 && p.matcher(name).matches() != expected) {
                return "the two oracles disagree on \"" + name + "\"";
            }
            Glob.Steps steps = new Glob.Steps();
            if (g.matches(name, null, null, steps) != expected) {
                return "matches(\"" + name + "\") is not " + expected;
            }
            long bound = 3L * name.length() + 2 + (long) name.length() * longestWild;
            if (steps.count > bound) {
                return steps.count + " steps matching \"" + name + "\", over " + bound;
            }
            boolean may = mayMatchOracle(atoms, name);
            steps = new Glob.Steps();
            if (g.mayMatchClass(name, steps) != may) {
                return "mayMatchClass(\"" + name + "\") is not " + may;
            }
            int n = name.length() + 1;
            bound = 3L * n + 2 + (long) n * longestWild;
            if (steps.count > bound) {
                return steps.count + " steps for class \"" + name + "\", over " + bound;
            }
        }
        return null;
    }

    /** Whether the atoms match all of name: the state-set simulation reaches the end. */
    private static boolean matchesOracle(List<Atom> atoms, String name) {
        return states(atoms, name)[atoms.size()];
    }

    /** The states (atom indices) the pattern can be in after text, stars closed over. */
    private static boolean[] states(List<Atom> atoms, String text) {
        int size = atoms.size();
        boolean[] cur = new boolean[size + 1];
        cur[0] = true;
        closure(atoms, cur);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean[] next = new boolean[size + 1];
            for (int s = 0; s < size; s++) {
                if (!cur[s]) {
                    continue;
                }
                Atom a = atoms.get(s);
                if (a.accepts == null) {
                    next[s] = true;
                } else if (a.accepts.test(c)) {
                    next[s + 1] = true;
                }
            }
            closure(atoms, next);
            cur = next;
        }
        return cur;
    }

    /**
     * Whether some className + "." + M with M non-empty and without '.' matches: the set of
     * states after className + "." has one from which a non-empty dotless rest is accepted.
     */
    private static boolean mayMatchOracle(List<Atom> atoms, String className) {
        int size = atoms.size();
        boolean[] cur = states(atoms, className + ".");
        for (int s = 0; s < size; s++) {
            if (cur[s] && restAdmitsDotless(atoms, s)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the states a star reaches by matching nothing; stars only lead forward. */
    private static void closure(List<Atom> atoms, boolean[] set) {
        for (int s = 0; s < atoms.size(); s++) {
            if (set[s] && atoms.get(s).accepts == null) {
                set[s + 1] = true;
            }
        }
    }

    /** Whether every atom from s on takes some character other than '.' (tried on a sample). */
    private static boolean restAdmitsDotless(List<Atom> atoms, int s) {
        int[] sample = {'a', 'b', 'c', '$', '*', '?', 0xe9, 0x1F600, 0x1F601};
        for (int k = s; k < atoms.size(); k++) {
            Atom a = atoms.get(k);
            if (a.accepts == null) {
                continue;
            }
            boolean some = false;
            for (int c : sample) {
                some |= a.accepts.test(c);
            }
            if (!some) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ harness

    private static String randomName(Random random, String[] alphabet, int maxPieces) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(maxPieces + 1);
        for (int k = 0; k < n; k++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    /** Drops pattern pieces and names while the failure stays, then fails with what is left. */
    private static void shrinkAndFail(long seed, List<String> pieces, List<String> names,
            String failure, boolean junk) {
        List<String> p = new ArrayList<>(pieces);
        List<String> n = new ArrayList<>(names);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int k = p.size() - 1; k >= 0; k--) {
                List<String> q = new ArrayList<>(p);
                q.remove(k);
                String f = junk ? junkFailure(q, n) : oracleFailureOf(q, n);
                if (!q.isEmpty() && f != null) {
                    p = q;
                    failure = f;
                    progress = true;
                }
            }
            for (int k = n.size() - 1; k >= 0 && n.size() > 1; k--) {
                List<String> q = new ArrayList<>(n);
                q.remove(k);
                String f = junk ? junkFailure(p, q) : oracleFailureOf(p, q);
                if (f != null) {
                    n = q;
                    failure = f;
                    progress = true;
                }
            }
        }
        fail("seed " + seed + ", pattern \"" + String.join("", p) + "\" " + p + ", names " + n
                + ": " + failure);
    }

    private static String oracleFailureOf(List<String> globs, List<String> names) {
        List<Atom> atoms = new ArrayList<>();
        for (String g : globs) {
            for (Atom a : ATOMS) {
                if (a.glob.equals(g)) {
                    atoms.add(a);
                    break;
                }
            }
        }
        return oracleFailure(atoms, names);
    }
}
