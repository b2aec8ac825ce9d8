package org.jftrace.internal.glob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GlobTest {

    /** Matches a function name with a zero-argument list in module java.base. */
    private static boolean name(String pattern, String functionName) {
        return Glob.parse(pattern).matches(functionName, "()", "java.base");
    }

    private static boolean params(String pattern, String parameterList) {
        return Glob.parse(pattern).matches("com.acme.Foo.foo", parameterList, "app.jar");
    }

    private static boolean module(String pattern, String module) {
        return Glob.parse(pattern).matches("com.acme.Foo.foo", "()", module);
    }

    /** Asserts that the pattern is rejected with EINVAL, quoting it and naming the column. */
    private static FtraceException malformed(String pattern, int column) {
        FtraceException e = assertThrows(FtraceException.class, () -> Glob.parse(pattern),
                pattern);
        assertEquals(Errno.EINVAL, e.errno(), pattern);
        String message = e.getMessage();
        assertTrue(message.contains("\"" + pattern.trim() + "\""), message);
        assertTrue(message.contains("at column " + column + ":"), message);
        return e;
    }

    private static void malformed(String pattern, int column, String hint) {
        String message = malformed(pattern, column).getMessage();
        assertTrue(message.contains(hint), message);
    }

    @Nested
    class NameGlob {
        @Test
        void literalMatchesExactlyAndCaseSensitively() {
            assertTrue(name("java.util.HashMap.get", "java.util.HashMap.get"));
            assertFalse(name("java.util.HashMap.get", "java.util.HashMap.getOrDefault"));
            assertFalse(name("java.util.HashMap.get", "java.util.HashMap.ge"));
            assertFalse(name("java.util.HashMap.get", "xjava.util.HashMap.get"));
            assertFalse(name("java.util.HashMap.get", "java.util.hashMap.get"));
            assertFalse(name("java.util.HashMap.get", "java.util.HashMap.GET"));
        }

        @Test
        void starMatchesAnyRunIncludingDotsAndDollars() {
            assertTrue(name("java.util.*Map.get", "java.util.HashMap.get"));
            assertTrue(name("java.util.*Map.get", "java.util.TreeMap.get"));
            assertTrue(name("java.util.*Map.get", "java.util.Map.get"));
            assertTrue(name("java.util.*Map.get", "java.util.concurrent.ConcurrentHashMap.get"));
            assertFalse(name("java.util.*Map.get", "java.util.HashMap.put"));
            assertFalse(name("java.util.*Map.get", "java.util.HashSet.get"));
            assertTrue(name("*", "a.B.c"));
            assertTrue(name("*get", "java.util.HashMap.get"));
            assertFalse(name("*get", "java.util.HashMap.getOrDefault"));
            assertTrue(name("com.acme.Outer*run", "com.acme.Outer$Inner.run"));
            assertTrue(name("a**b", "a.b"));
            assertTrue(name("*a*b*c*", "xxaxxbxxcxx"));
            assertFalse(name("*a*b*c*", "xxcxxbxxaxx"));
            assertTrue(name("*ab", "aab"));
            assertFalse(name("*ab", "aba"));
        }

        @Test
        void questionMarkMatchesExactlyOneCharacter() {
            assertTrue(name("com.x.Y.get?", "com.x.Y.getX"));
            assertTrue(name("com.x.Y.get?", "com.x.Y.get$"));
            assertFalse(name("com.x.Y.get?", "com.x.Y.get"));
            assertFalse(name("com.x.Y.get?", "com.x.Y.getXY"));
            assertTrue(name("com?x.Y.get", "com.x.Y.get"));
        }

        @Test
        void characterClassRange() {
            assertTrue(name("com.x.Y.[a-c]un", "com.x.Y.aun"));
            assertTrue(name("com.x.Y.[a-c]un", "com.x.Y.cun"));
            assertFalse(name("com.x.Y.[a-c]un", "com.x.Y.dun"));
            assertFalse(name("com.x.Y.[a-c]un", "com.x.Y.run"));
            assertTrue(name("com.x.Y.[gs]et", "com.x.Y.set"));
            assertFalse(name("com.x.Y.[gs]et", "com.x.Y.pet"));
            assertTrue(name("com.x.Y.m[0-9a-f]", "com.x.Y.me"));
            assertFalse(name("com.x.Y.m[0-9a-f]", "com.x.Y.mg"));
            assertTrue(name("com.x.Y.m[a-a]", "com.x.Y.ma"));
        }

        @Test
        void negatedCharacterClass() {
            assertTrue(name("com.x.Y.[!a]x", "com.x.Y.bx"));
            assertFalse(name("com.x.Y.[!a]x", "com.x.Y.ax"));
            assertTrue(name("com.x.Y.[^a-c]x", "com.x.Y.dx"));
            assertFalse(name("com.x.Y.[^a-c]x", "com.x.Y.bx"));
            assertFalse(name("com.x.Y.[!a]x", "com.x.Y.x"));
        }

        @Test
        void bracketFirstInClassIsLiteralAndDashAtEndIsLiteral() {
            assertTrue(name("a[]b]c", "a]c"));
            assertTrue(name("a[]b]c", "abc"));
            assertFalse(name("a[]b]c", "a[c"));
            assertTrue(name("a[!]]c", "axc"));
            assertFalse(name("a[!]]c", "a]c"));
            assertTrue(name("a[x-]c", "a-c"));
            assertTrue(name("a[x-]c", "axc"));
            assertFalse(name("a[x-]c", "ayc"));
            assertTrue(name("a[\\]]c", "a]c"));
        }

        @Test
        void backslashEscapesTheNextCharacter() {
            assertTrue(name("a\\*b", "a*b"));
            assertFalse(name("a\\*b", "axb"));
            assertTrue(name("a\\?b", "a?b"));
            assertFalse(name("a\\?b", "axb"));
            assertTrue(name("a\\[b", "a[b"));
            assertTrue(name("a\\[b]", "a[b]"));
            assertTrue(name("a\\\\b", "a\\b"));
            assertTrue(name("a\\:b", "a:b"));
            assertTrue(name("a\\(b", "a(b"));
            assertTrue(name("a\\!b", "a!b"));
        }

        @Test
        void angleBracketsAndDollarsAreOrdinary() {
            assertTrue(name("java.lang.String.<init>", "java.lang.String.<init>"));
            assertFalse(name("java.lang.String.<init>", "java.lang.String.init"));
            assertTrue(name("com.x.Y.<clinit>", "com.x.Y.<clinit>"));
            assertFalse(name("com.x.Y.<clinit>", "com.x.Y.<init>"));
            assertTrue(name("com.x.Y.lambda$main$0", "com.x.Y.lambda$main$0"));
            assertFalse(name("com.x.Y.lambda$main$0", "com.x.Y.lambda$main$1"));
            assertTrue(name("com.x.Y.lambda$*", "com.x.Y.lambda$main$1"));
            assertTrue(name("com.acme.Outer$Inner.run", "com.acme.Outer$Inner.run"));
            assertFalse(name("com.acme.Outer$Inner.run", "com.acme.Outer.run"));
            assertTrue(name("*.<init>", "java.util.HashMap.<init>"));
        }

        @Test
        void matchesAgreeWithARegexOracle() {
            Random random = new Random(42);
            String[] atoms = {"a", "b", ".", "$", "*", "?", "[ab]", "[!a]", "[a-b]", "\\*"};
            String[] regex = {"a", "b", "\\.", "\\$", ".*", ".", "[ab]", "[^a]", "[a-b]", "\\*"};
            char[] alphabet = {'a', 'b', 'c', '.', '$', '*'};
            for (int round = 0; round < 3000; round++) {
                StringBuilder glob = new StringBuilder();
                StringBuilder re = new StringBuilder();
                int atomCount = 1 + random.nextInt(6);
                for (int k = 0; k < atomCount; k++) {
                    int which = random.nextInt(atoms.length);
                    glob.append(atoms[which]);
                    re.append(regex[which]);
                }
                Glob g = Glob.parse(glob.toString());
                Pattern p = Pattern.compile(re.toString(), Pattern.DOTALL);
                for (int s = 0; s < 20; s++) {
                    StringBuilder candidate = new StringBuilder();
                    int length = random.nextInt(8);
                    for (int k = 0; k < length; k++) {
                        candidate.append(alphabet[random.nextInt(alphabet.length)]);
                    }
                    String c = candidate.toString();
                    assertEquals(p.matcher(c).matches(), g.matches(c, "()", ""),
                            glob + " vs " + c);
                }
            }
        }
    }

    @Nested
    class Negation {
        @Test
        void bangMakesThePatternNegativeButDoesNotInvertMatches() {
            Glob g = Glob.parse("!java.util.HashMap.get");
            assertTrue(g.negated());
            assertTrue(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base"));
            assertFalse(g.matches("java.util.HashMap.put", "(java.lang.Object)", "java.base"));
            assertEquals("!java.util.HashMap.get", g.text());
            assertEquals("java.util.HashMap.get", g.literalName());
        }

        @Test
        void positivePatternIsNotNegated() {
            assertFalse(Glob.parse("java.util.HashMap.get").negated());
        }

        @Test
        void bangOnlyCountsAtTheStart() {
            Glob g = Glob.parse("a!b");
            assertFalse(g.negated());
            assertTrue(g.matches("a!b", "()", ""));
        }

        @Test
        void negatedWithWildcardsParametersAndModule() {
            Glob g = Glob.parse("! com.acme.*(int):mod:app");
            assertTrue(g.negated());
            assertTrue(g.matches("com.acme.Foo.bar", "(int)", "app.jar"));
            assertFalse(g.matches("com.acme.Foo.bar", "(long)", "app.jar"));
            assertFalse(g.matches("com.acme.Foo.bar", "(int)", "other.jar"));
        }
    }

    @Nested
    class ParameterList {
        @Test
        void selectsTheOverloadOfHashMapPut() {
            Glob g = Glob.parse("java.util.HashMap.put(java.lang.Object,java.lang.Object)");
            assertTrue(g.hasParameterList());
            assertTrue(g.matches("java.util.HashMap.put", "(java.lang.Object,java.lang.Object)",
                    "java.base"));
            assertFalse(g.matches("java.util.HashMap.put", "(java.lang.Object)", "java.base"));
            assertFalse(g.matches("java.util.HashMap.put", "()", "java.base"));
            assertFalse(g.matches("java.util.HashMap.put",
                    "(java.lang.Object,java.lang.Object,boolean)", "java.base"));
            assertFalse(g.matches("java.util.HashMap.put", "(java.lang.String,java.lang.Object)",
                    "java.base"));
            assertFalse(g.matches("java.util.HashMap.get", "(java.lang.Object,java.lang.Object)",
                    "java.base"));
        }

        @Test
        void emptyListMatchesOnlyTheZeroArgumentOverload() {
            assertTrue(params("com.acme.Foo.foo()", "()"));
            assertFalse(params("com.acme.Foo.foo()", "(int)"));
            assertFalse(params("com.acme.Foo.foo()", "(java.lang.String,int)"));
        }

        @Test
        void arraySuffixIsLiteral() {
            assertTrue(params("com.acme.Foo.foo(int[])", "(int[])"));
            assertFalse(params("com.acme.Foo.foo(int[])", "(int)"));
            assertFalse(params("com.acme.Foo.foo(int[])", "(int[][])"));
            assertFalse(params("com.acme.Foo.foo(int[])", "(inti)"));
            assertTrue(params("com.acme.Foo.foo(int[],java.lang.String[][])",
                    "(int[],java.lang.String[][])"));
            assertTrue(params("com.acme.Foo.foo(int [ ])", "(int[])"));
        }

        @Test
        void whitespaceIsIgnored() {
            assertTrue(params("com.acme.Foo.foo( int, java.lang.String )",
                    "(int,java.lang.String)"));
            assertTrue(params("com.acme.Foo.foo (int)", "(int)"));
            assertFalse(params("com.acme.Foo.foo( int, java.lang.String )", "(int)"));
        }

        @Test
        void wildcardsInTheList() {
            assertTrue(params("com.acme.Foo.foo(*)", "()"));
            assertTrue(params("com.acme.Foo.foo(*)", "(int,long)"));
            assertTrue(params("com.acme.Foo.foo(int,*)", "(int,long)"));
            assertTrue(params("com.acme.Foo.foo(int,*)", "(int,long,java.lang.String)"));
            assertFalse(params("com.acme.Foo.foo(int,*)", "(long,int)"));
            assertTrue(params("com.acme.Foo.foo(?)", "(I)"));
            assertFalse(params("com.acme.Foo.foo(?)", "(int)"));
            assertTrue(params("com.acme.Foo.foo(java.util.*)", "(java.util.Map$Entry)"));
            assertTrue(params("com.acme.Foo.foo(java.util.Map$Entry)", "(java.util.Map$Entry)"));
            assertFalse(params("com.acme.Foo.foo(java.util.Map$Entry)", "(java.util.Map)"));
            assertTrue(params("com.acme.Foo.foo(\\*)", "(*)"));
            assertFalse(params("com.acme.Foo.foo(\\*)", "(int)"));
        }

        @Test
        void withoutAListEveryOverloadMatches() {
            Glob g = Glob.parse("com.acme.Foo.foo");
            assertFalse(g.hasParameterList());
            assertTrue(g.matches("com.acme.Foo.foo", "()", ""));
            assertTrue(g.matches("com.acme.Foo.foo", "(int[],long)", ""));
            assertTrue(g.matches("com.acme.Foo.foo", null, ""));
        }

        @Test
        void nullListNeverMatchesAPatternWithAList() {
            assertFalse(params("com.acme.Foo.foo(*)", null));
        }

        @Test
        void nameMustStillMatch() {
            assertFalse(Glob.parse("com.acme.Foo.foo(int)").matches("com.acme.Foo.bar", "(int)",
                    ""));
        }
    }

    @Nested
    class Module {
        @Test
        void jpmsModuleName() {
            Glob g = Glob.parse("java.util.*:mod:java.base");
            assertTrue(g.hasModule());
            assertTrue(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base"));
            assertFalse(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.sql"));
            assertFalse(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base2"));
            assertFalse(g.matches("java.lang.String.length", "()", "java.base"));
        }

        @Test
        void moduleGlob() {
            assertTrue(module("*:mod:java.*", "java.sql"));
            assertFalse(module("*:mod:java.*", "jdk.jfr"));
            assertTrue(module("*:mod:jdk.[a-j]fr", "jdk.jfr"));
            assertFalse(module("*:mod:jdk.[a-i]fr", "jdk.jfr"));
        }

        @Test
        void jarNameWithAndWithoutSuffix() {
            assertTrue(module("*:mod:guava-33.0.0-jre.jar", "guava-33.0.0-jre.jar"));
            assertTrue(module("*:mod:guava-33.0.0-jre", "guava-33.0.0-jre.jar"));
            assertTrue(module("*:mod:guava-*", "guava-33.0.0-jre.jar"));
            assertTrue(module("*:mod:guava-*-jre", "guava-33.0.0-jre.jar"));
            assertFalse(module("*:mod:guava-*-android", "guava-33.0.0-jre.jar"));
            assertFalse(module("*:mod:guava", "guava-33.0.0-jre.jar"));
            // The suffix is only dropped from the candidate, never added to it.
            assertFalse(module("*:mod:guava.jar", "guava"));
        }

        @Test
        void directoryName() {
            assertTrue(module("com.acme.*:mod:classes", "classes"));
            assertFalse(module("com.acme.*:mod:classes", "test-classes"));
        }

        @Test
        void unknownModuleNeverMatches() {
            assertFalse(module("*:mod:*", ""));
            assertFalse(module("*:mod:*", null));
            assertTrue(module("*:mod:*", "x"));
            // Without :mod: the module does not matter.
            assertTrue(module("com.acme.Foo.foo", ""));
            assertTrue(module("com.acme.Foo.foo", null));
        }

        @Test
        void emptyNameGlobMeansEveryFunction() {
            Glob g = Glob.parse(":mod:java.base");
            assertTrue(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base"));
            assertTrue(g.matches("java.lang.String.<init>", "()", "java.base"));
            assertFalse(g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.sql"));
            assertNull(g.literalName());
            assertTrue(g.mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("!:mod:java.base").negated());
        }

        @Test
        void withParameterList() {
            Glob g = Glob.parse("com.acme.Foo.foo(int):mod:app");
            assertTrue(g.matches("com.acme.Foo.foo", "(int)", "app.jar"));
            assertFalse(g.matches("com.acme.Foo.foo", "(long)", "app.jar"));
            assertFalse(g.matches("com.acme.Foo.foo", "(int)", "lib.jar"));
        }

        @Test
        void spaceBeforeAndAfterTheCommandIsAllowed() {
            assertTrue(module("com.acme.Foo.foo :mod: app", "app.jar"));
            assertFalse(module("com.acme.Foo.foo :mod: app", "lib.jar"));
            assertTrue(Glob.parse("com.acme.Foo.foo(int) :mod:app")
                    .matches("com.acme.Foo.foo", "(int)", "app.jar"));
        }
    }

    @Nested
    class Accessors {
        @Test
        void literalNameResolvesEscapes() {
            assertEquals("java.util.HashMap.get", Glob.parse("java.util.HashMap.get").literalName());
            assertEquals("java.lang.String.<init>",
                    Glob.parse("java.lang.String.<init>(char[])").literalName());
            assertEquals("a*b", Glob.parse("a\\*b").literalName());
            assertEquals("com.x.Y.foo", Glob.parse("com.x.Y.foo:mod:app").literalName());
        }

        @Test
        void literalNameIsNullWithWildcardsOrClasses() {
            assertNull(Glob.parse("java.util.*.get").literalName());
            assertNull(Glob.parse("java.util.HashMap.ge?").literalName());
            assertNull(Glob.parse("java.util.HashMap.[g]et").literalName());
        }

        @Test
        void hasParameterListAndHasModule() {
            Glob plain = Glob.parse("a.B.c");
            assertFalse(plain.hasParameterList());
            assertFalse(plain.hasModule());
            Glob both = Glob.parse("a.B.c():mod:m");
            assertTrue(both.hasParameterList());
            assertTrue(both.hasModule());
        }

        @Test
        void textIsTrimmedAndDrivesEqualsHashCodeToString() {
            Glob g = Glob.parse("  java.util.HashMap.get(int)\t");
            assertEquals("java.util.HashMap.get(int)", g.text());
            assertEquals("java.util.HashMap.get(int)", g.toString());
            Glob same = Glob.parse("java.util.HashMap.get(int)");
            assertEquals(same, g);
            assertEquals(same.hashCode(), g.hashCode());
            assertNotEquals(Glob.parse("java.util.HashMap.get( int )"), g);
            assertNotEquals(Glob.parse("!java.util.HashMap.get(int)"), g);
            assertNotEquals(g, "java.util.HashMap.get(int)");
        }

        @Test
        void nullTextIsANullPointerException() {
            assertThrows(NullPointerException.class, () -> Glob.parse(null));
        }
    }

    @Nested
    class Malformed {
        @Test
        void emptyPattern() {
            malformed("", 1, "empty");
            malformed("   ", 1, "empty");
            malformed("!", 2, "nothing follows '!'");
            malformed("!  ", 2, "nothing follows '!'");
        }

        @Test
        void unterminatedClass() {
            malformed("java.util.[Hash", 11, "'[' is never closed");
            malformed("a[!", 2, "never closed");
            malformed("a[b-", 2, "never closed");
        }

        @Test
        void exampleMessageIsExact() {
            FtraceException e = assertThrows(FtraceException.class,
                    () -> Glob.parse("java.util.[Hash"));
            assertTrue(e.getMessage().endsWith("malformed filter \"java.util.[Hash\" at column 11:"
                    + " '[' is never closed; close it with ']' or escape it as '\\['"),
                    e.getMessage());
        }

        @Test
        void emptyClass() {
            malformed("foo[]", 4, "empty character class");
            malformed("foo[]bar", 4, "empty character class");
            malformed("foo[!]", 4, "empty character class");
        }

        @Test
        void backwardsRange() {
            malformed("com.x.[z-a]", 8, "'z-a' runs backwards");
            malformed("x[0-9z-a]", 6, "backwards");
        }

        @Test
        void danglingBackslash() {
            malformed("foo\\", 4, "escapes nothing");
            malformed("foo[a\\", 6, "escapes nothing");
            malformed("foo(int\\", 8, "escapes nothing");
            malformed("foo:mod:bar\\", 12, "escapes nothing");
        }

        @Test
        void unclosedParenthesis() {
            malformed("foo(int", 4, "'(' is never closed");
            malformed("foo(", 4, "never closed");
            malformed("foo(int:mod:java.base", 4, "never closed");
        }

        @Test
        void textAfterClosingParenthesis() {
            malformed("foo(int)bar", 9, "after ')'");
            malformed("foo(int) bar", 10, "after ')'");
            malformed("foo(int)(long)", 9, "after ')'");
        }

        @Test
        void closingParenthesisWithoutOpening() {
            malformed("foo)", 4, "')' without '('");
            malformed("foo)(int", 4, "without");
        }

        @Test
        void parenthesesInModuleGlob() {
            malformed("foo:mod:java(.base", 13, "module glob");
            malformed("foo:mod:java.base(int)", 18, "before ':mod:'");
            malformed("foo:mod:java)", 13, "module glob");
        }

        @Test
        void emptyModuleGlob() {
            malformed("foo:mod:", 4, "nothing follows ':mod:'");
            malformed(":mod:", 1, "nothing follows ':mod:'");
            malformed("foo(int):mod:", 9, "nothing follows ':mod:'");
        }

        @Test
        void colonThatIsNotMod() {
            malformed("foo:traceon", 4, "':traceon' is a command of the kernel's set_ftrace_filter"
                    + " that is not supported here");
            malformed("foo:snapshot:5", 4, "not supported");
            malformed(":traceoff", 1, "not supported");
            malformed("foo:bar", 4, "':bar' is not supported");
            malformed("foo:", 4, "only supported command is ':mod:MODULE'");
            malformed("foo:mod", 4, "':mod' must be followed by ':'");
            malformed("foo:modx:java.base", 4, "':modx' is not supported");
            malformed("java.util.HashMap::get", 18, "'::'");
            malformed("foo(int):stacktrace", 9, "not supported");
            malformed("foo:mod:a:mod:b", 10, "only once");
        }

        @Test
        void bracketInParameterListNotFollowedByClose() {
            malformed("foo(int[a])", 8, "must be followed by ']'");
            malformed("foo([a-z])", 5, "character classes are not supported");
            malformed("foo(int[)", 8, "must be followed by ']'");
            malformed("foo(int])", 8, "']' without '['");
        }

        @Test
        void otherParameterListMistakes() {
            malformed("foo((int))", 5, "'(' inside the parameter list");
            malformed("foo(int:x)", 8, "':' inside the parameter list");
        }

        @Test
        void emptyNameWithoutModule() {
            malformed("(int)", 1, "function glob is empty");
            malformed("!(int)", 2, "function glob is empty");
        }

        @Test
        void whitespaceInsideTheName() {
            malformed("java.util. HashMap.get", 11, "whitespace");
        }

        @Test
        void columnsCountFromTheTrimmedPattern() {
            malformed("   foo)", 4, "without");
        }
    }

    @Nested
    class MayMatchClass {
        @Test
        void literalPattern() {
            Glob g = Glob.parse("java.util.HashMap.get");
            assertTrue(g.mayMatchClass("java.util.HashMap"));
            assertFalse(g.mayMatchClass("java.util.HashSet"));
            assertFalse(g.mayMatchClass("java.util.HashMap$Node"));
            assertFalse(g.mayMatchClass("java.util.Hash"));
            assertFalse(g.mayMatchClass("java.util"));
            assertFalse(g.mayMatchClass("java.util.HashMap.get"));
            assertFalse(g.mayMatchClass(""));
        }

        @Test
        void leadingStarMatchesEveryClass() {
            Glob g = Glob.parse("*get");
            assertTrue(g.mayMatchClass("java.lang.String"));
            assertTrue(g.mayMatchClass("java.util.HashMap$Node"));
            assertTrue(g.mayMatchClass(""));
        }

        @Test
        void starInTheClassPart() {
            Glob g = Glob.parse("java.util.*Map.get");
            assertFalse(g.mayMatchClass("java.lang.String"));
            assertTrue(g.mayMatchClass("java.util.HashMap"));
            assertTrue(g.mayMatchClass("java.util.concurrent.ConcurrentHashMap"));
            assertFalse(g.mayMatchClass("java.util.HashSet"));
            assertFalse(g.mayMatchClass("java.util.HashMap$Node"));
        }

        @Test
        void trailingStarMatchesSubpackages() {
            Glob g = Glob.parse("java.util.*");
            assertTrue(g.mayMatchClass("java.util.concurrent.ConcurrentHashMap"));
            assertTrue(g.mayMatchClass("java.util.HashMap"));
            assertFalse(g.mayMatchClass("java.lang.String"));
        }

        @Test
        void methodPartMustBeNonEmptyAndDotless() {
            assertFalse(Glob.parse("java.util.HashMap").mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("java.util.HashMap").mayMatchClass("java.util"));
            assertTrue(Glob.parse("java.util.HashMap.?").mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("java.util.HashMap.*").mayMatchClass("java.util.HashMap"));
            assertFalse(Glob.parse("java.util.HashMap.[.]").mayMatchClass("java.util.HashMap"));
            // The '?' eats the '.' after the class and nothing is left for the method name.
            assertFalse(Glob.parse("java.util.HashMap?").mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("java.util.HashMap?*").mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("java.util.HashMap.[.a]").mayMatchClass("java.util.HashMap"));
            assertTrue(Glob.parse("java.util.HashMap.[!a]").mayMatchClass("java.util.HashMap"));
            assertFalse(Glob.parse("*.get.set").mayMatchClass("a"));
            assertTrue(Glob.parse("*.set").mayMatchClass("a.b"));
            assertFalse(Glob.parse("*.x.*").mayMatchClass("a"));
            assertTrue(Glob.parse("*.x.*").mayMatchClass("a.x"));
        }

        @Test
        void nestedClassesAndConstructors() {
            Glob g = Glob.parse("com.acme.Outer$*.<init>");
            assertTrue(g.mayMatchClass("com.acme.Outer$Inner"));
            assertFalse(g.mayMatchClass("com.acme.Outer"));
            assertTrue(Glob.parse("com.acme.Outer*").mayMatchClass("com.acme.Outer"));
        }

        @Test
        void longPatternsBeyondSixtyFourTokens() {
            String cls = repeat('p', 90);
            Glob literal = Glob.parse(cls + ".get");
            assertTrue(literal.mayMatchClass(cls));
            assertFalse(literal.mayMatchClass(repeat('p', 89)));
            assertFalse(literal.mayMatchClass(repeat('p', 89) + "q"));
            Glob star = Glob.parse(repeat('p', 70) + "*.get");
            assertTrue(star.mayMatchClass(cls));
            assertFalse(star.mayMatchClass(repeat('p', 69)));
            assertTrue(star.matches(cls + ".get", "()", ""));
        }

        @Test
        void neverFalseWhenSomeMethodMatches() {
            Random random = new Random(7);
            String[] atoms = {"a", "b", ".", "*", "?", "[ab]", "[!a]", "[.]"};
            char[] alphabet = {'a', 'b', 'c'};
            for (int round = 0; round < 2000; round++) {
                StringBuilder glob = new StringBuilder();
                int atomCount = 1 + random.nextInt(7);
                for (int k = 0; k < atomCount; k++) {
                    glob.append(atoms[random.nextInt(atoms.length)]);
                }
                Glob g = Glob.parse(glob.toString());
                StringBuilder cls = new StringBuilder();
                int length = random.nextInt(5);
                for (int k = 0; k < length; k++) {
                    cls.append(random.nextInt(4) == 0 ? '.' : alphabet[random.nextInt(3)]);
                }
                String c = cls.toString();
                boolean some = someMethodMatches(g, c + ".", "", 4, alphabet);
                boolean may = g.mayMatchClass(c);
                if (some) {
                    assertTrue(may, glob + " class " + c);
                }
            }
        }

        private boolean someMethodMatches(Glob g, String prefix, String method, int budget,
                char[] alphabet) {
            if (!method.isEmpty() && g.matches(prefix + method, "()", "")) {
                return true;
            }
            if (budget == 0) {
                return false;
            }
            for (char ch : alphabet) {
                if (someMethodMatches(g, prefix, method + ch, budget - 1, alphabet)) {
                    return true;
                }
            }
            return false;
        }

        private String repeat(char c, int n) {
            return String.valueOf(c).repeat(n);
        }
    }
}
