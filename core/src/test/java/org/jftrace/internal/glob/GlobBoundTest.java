package org.jftrace.internal.glob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The bound on matching (counted in comparisons, never in wall time), the length limit and the
 * code point semantics of {@link Glob}.
 */
class GlobBoundTest {

    /** {@code *a*a...*a*b}, 4002 chars: 2001 segments of one character. */
    static final String MANY_STARS = "*a".repeat(2000) + "*b";

    /** The documented bound: {@code 3n + 2 + n * L}. */
    static long bound(Glob g, int n) {
        return 3L * n + 2 + (long) n * g.longestWildSegment();
    }

    static long nameSteps(Glob g, String name) {
        Glob.Steps steps = new Glob.Steps();
        g.matches(name, null, null, steps);
        return steps.count;
    }

    static long classSteps(Glob g, String className) {
        Glob.Steps steps = new Glob.Steps();
        g.mayMatchClass(className, steps);
        return steps.count;
    }

    /** Thousands of names: realistic ones, and runs of the pattern's own letters. */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        Random random = new Random(11);
        String[] words = {"java", "util", "HashMap", "concurrent", "acme", "Outer$Inner", "get",
            "<init>", "lambda$main$0", "aaaa", "ab", "ba", "a", "b"};
        for (int k = 0; k < 4000; k++) {
            StringBuilder b = new StringBuilder();
            int parts = 2 + random.nextInt(6);
            for (int w = 0; w < parts; w++) {
                if (w > 0) {
                    b.append('.');
                }
                b.append(words[random.nextInt(words.length)]);
            }
            names.add(b.toString());
        }
        for (int n = 0; n <= 3000; n += 7) {
            names.add("a".repeat(n));
            names.add("a".repeat(n) + "b");
            names.add("ab".repeat(n / 2));
        }
        return names;
    }

    @Nested
    class Bound {
        @Test
        void manyStarsCostAFewStepsPerCharacterOfTheName() {
            Glob g = Glob.parse(MANY_STARS);
            assertEquals(0, g.longestWildSegment());
            long worst = 0;
            for (String name : names()) {
                long steps = nameSteps(g, name);
                assertTrue(steps <= 3L * name.length() + 2,
                        steps + " steps for a name of " + name.length());
                long classSteps = classSteps(g, name);
                assertTrue(classSteps <= 3L * (name.length() + 1) + 2,
                        classSteps + " steps for a class of " + name.length());
                worst = Math.max(worst, Math.max(steps, classSteps));
            }
            // No comparison at all for a name shorter than the 2001 characters the pattern needs.
            assertEquals(0, nameSteps(g, "java.util.HashMap.get"));
            assertTrue(worst > 0);
        }

        @Test
        void manyStarsStillMatchWhatTheyShould() {
            Glob g = Glob.parse(MANY_STARS);
            String fits = "a".repeat(2000) + "b";
            assertTrue(g.matches(fits, "()", ""));
            assertFalse(g.matches("a".repeat(1999) + "b", "()", ""));
            assertFalse(g.matches("a".repeat(3000), "()", ""));
            assertTrue(g.matches("xa".repeat(2000) + "yb", "()", ""));
            assertTrue(g.mayMatchClass("a".repeat(2500)));
            assertTrue(g.mayMatchClass("x"));
            // Any class may precede a method named like the pattern; only a '.' in it stops that.
            assertTrue(Glob.parse("*a*.*b").mayMatchClass("a"));
            assertFalse(Glob.parse("*a*.*b").mayMatchClass("x"));
        }

        /**
         * The case the one-remembered-star algorithm is quadratic on: a long literal segment
         * that almost matches at every place.
         */
        @Test
        void aLongLiteralSegmentIsFoundInLinearSteps() {
            Glob g = Glob.parse("*" + "a".repeat(1000) + "b*c");
            for (int n = 0; n <= 4000; n += 250) {
                String name = "a".repeat(n) + "c";
                long steps = nameSteps(g, name);
                assertTrue(steps <= 3L * name.length() + 2, steps + " steps for " + n);
                assertFalse(g.matches(name, "()", ""));
                long classSteps = classSteps(g, name);
                assertTrue(classSteps <= 3L * (name.length() + 1) + 2, classSteps + " for " + n);
            }
            assertTrue(g.matches("a".repeat(1500) + "b.c", "()", ""));
        }

        @Test
        void aSegmentWithWildcardsCostsAtMostItsLengthPerStart() {
            Glob g = Glob.parse("*" + "a?".repeat(50) + "b*");
            assertEquals(101, g.longestWildSegment());
            for (int n = 0; n <= 2000; n += 100) {
                String name = "a".repeat(n);
                long steps = nameSteps(g, name);
                assertTrue(steps <= bound(g, n), steps + " steps for " + n);
                long classSteps = classSteps(g, name);
                assertTrue(classSteps <= bound(g, n + 1), classSteps + " for " + n);
            }
        }

        @Test
        void parameterListAndModuleGlobsAreBoundedToo() {
            Glob g = Glob.parse("*(" + "*int,".repeat(300) + "*long):mod:" + "*a".repeat(300));
            String params = "(" + "int,".repeat(400) + "long)";
            Glob.Steps steps = new Glob.Steps();
            assertFalse(g.matches("x.Y.z", params, "a".repeat(250) + ".jar", steps));
            assertTrue(steps.count > 0 && steps.count <= 3L * params.length() + 2,
                    steps.count + " steps");
            assertTrue(g.matches("x.Y.z", params, "a".repeat(300) + ".jar"));
        }
    }

    @Nested
    class Search {
        @Test
        void aLiteralSegmentResumesAtTheLongestBorderOfWhatMatched() {
            assertTrue(Glob.parse("*aab*").matches("aaab", "()", ""));
            assertTrue(Glob.parse("*aabaaaa*").matches("aabaaabaaaa", "()", ""));
            assertFalse(Glob.parse("*aabaaaa*").matches("aabaaabaaab", "()", ""));
            assertTrue(Glob.parse("*abab*c").matches("abaababc", "()", ""));
        }

        @Test
        void afterAWholeLastSegmentItsBorderGoesOnIntoTheDot() {
            // "xa.a" + "." + "a" ends with "a.a": the class is only found by the border "a".
            assertTrue(Glob.parse("*a.a").mayMatchClass("xa.a"));
            assertTrue(Glob.parse("*a.a").mayMatchClass(".aa.a"));
            assertFalse(Glob.parse("*a.a").mayMatchClass("xa.b"));
            assertTrue(Glob.parse("*a?a").mayMatchClass("xa.a"));
        }
    }

    @Nested
    class Limit {
        @Test
        void aPatternOfTheLimitIsAccepted() {
            String p = "*a".repeat(Glob.MAX_LENGTH / 2);
            assertEquals(4096, p.length());
            assertTrue(Glob.parse(p).matches("a".repeat(2048), "()", ""));
            assertTrue(Glob.parse("  \t" + p + " \n").matches("a".repeat(2048), "()", ""));
        }

        @Test
        void aLongerPatternIsEinvalWithTheLimitAndTheLength() {
            String p = "*a".repeat(Glob.MAX_LENGTH / 2) + "b";
            FtraceException e = assertThrows(FtraceException.class, () -> Glob.parse(p));
            assertEquals(Errno.EINVAL, e.errno());
            String m = e.getMessage();
            assertTrue(m.contains("at column 4097:"), m);
            assertTrue(m.contains("4097 characters long"), m);
            assertTrue(m.contains("limit of 4096 characters"), m);
            assertTrue(m.contains("\"*a*a*a"), m);
            assertTrue(m.length() < 300, m);
        }

        @Test
        void theReportedHundredKilobytePatternIsRejectedAtOnce() {
            String p = "*a".repeat(50_000) + "*b";
            FtraceException e = assertThrows(FtraceException.class, () -> Glob.parse(p));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("the pattern is 100002 characters long"),
                    e.getMessage());
        }

        @Test
        void theQuoteDoesNotCutASurrogatePair() {
            String p = "x".repeat(39) + "\uD83D\uDE00" + "y".repeat(5000);
            String m = assertThrows(FtraceException.class, () -> Glob.parse(p)).getMessage();
            assertTrue(m.contains("\"" + "x".repeat(39) + "...\""), m);
        }
    }

    @Nested
    class CodePoints {
        static final String GRIN = "\uD83D\uDE00"; // U+1F600, two chars

        private boolean name(String pattern, String functionName) {
            return Glob.parse(pattern).matches(functionName, "()", "");
        }

        @Test
        void questionMarkMatchesOneCodePoint() {
            assertTrue(name("?", GRIN));
            assertFalse(name("??", GRIN));
            assertTrue(name("a?b", "a" + GRIN + "b"));
            assertFalse(name("a??b", "a" + GRIN + "b"));
            assertTrue(name("*?", GRIN));
            assertTrue(name("?*", GRIN));
            assertTrue(name("x.Y.m?", "x.Y.m" + GRIN));
            assertTrue(name("com.x.Y.get?", "com.x.Y.get\u00e9"));
        }

        @Test
        void classesMatchOneCodePointAndMayNameSupplementaryCharacters() {
            assertTrue(name("[!a]", GRIN));
            assertFalse(name("[!a][!a]", GRIN));
            assertTrue(name("[" + GRIN + "]", GRIN));
            assertFalse(name("[" + GRIN + "]", "\uD83D"));
            assertTrue(name("[\uD83D\uDE00-\uD83D\uDE4F]", "\uD83D\uDE4F"));
            assertFalse(name("[\uD83D\uDE00-\uD83D\uDE4F]", "\uD83D\uDE50"));
            assertTrue(name("[a-\uD83D\uDE4F]", "\u00e9"));
            assertTrue(name("[\\" + GRIN + "]x", GRIN + "x"));
            FtraceException e = assertThrows(FtraceException.class,
                    () -> Glob.parse("[" + GRIN + "-a]"));
            assertTrue(e.getMessage().contains("'" + GRIN + "-a' runs backwards"), e.getMessage());
        }

        @Test
        void literalsAndStarsKeepPairsWhole() {
            assertTrue(name("a" + GRIN + "b", "a" + GRIN + "b"));
            assertTrue(name("*" + GRIN, "xx" + GRIN));
            assertTrue(name("\\" + GRIN, GRIN));
            // A star never ends inside a pair: a lone low surrogate does not match its half.
            assertFalse(name("*\uDE00", "x" + GRIN));
            assertFalse(name("\uD83D*", GRIN + "x"));
            assertFalse(name("*\uDE00*", "x" + GRIN + "y"));
            assertEquals("a" + GRIN, Glob.parse("a" + GRIN).literalName());
            assertEquals(GRIN, Glob.parse("\\" + GRIN).literalName());
        }

        @Test
        void anUnpairedSurrogateIsOneCharacter() {
            assertTrue(name("??", "\uD83Dx"));
            assertTrue(name("?", "\uDE00"));
            assertTrue(name("?" + GRIN, "\uDE00" + GRIN));
            assertTrue(name("\uD83D?", "\uD83D\uD83D"));
            assertTrue(name("*\uDE00", "x\uDE00"));
        }

        @Test
        void parameterListsAndModules() {
            assertTrue(Glob.parse("f(?)").matches("f", "(" + GRIN + ")", ""));
            assertTrue(Glob.parse("f(" + GRIN + ")").matches("f", "(" + GRIN + ")", ""));
            assertTrue(Glob.parse("f:mod:m?").matches("f", "()", "m" + GRIN + ".jar"));
        }

        @Test
        void mayMatchClassCountsCodePoints() {
            assertTrue(Glob.parse("p" + GRIN + ".?").mayMatchClass("p" + GRIN));
            assertTrue(Glob.parse("p?.m").mayMatchClass("p" + GRIN));
            assertFalse(Glob.parse("p??.m").mayMatchClass("p" + GRIN));
            assertTrue(Glob.parse("?.m").mayMatchClass(GRIN));
            assertFalse(Glob.parse("??.m").mayMatchClass(GRIN));
            assertFalse(Glob.parse("?.m").mayMatchClass("\uD83D\uD83D"));
            assertTrue(Glob.parse("p*" + GRIN + "*.m").mayMatchClass("p.a" + GRIN));
            assertNull(Glob.parse("p?").literalName());
        }
    }
}
