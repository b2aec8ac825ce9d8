package org.jftrace.it.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 1/3.3: a parameter list picks one overload; glob characters '*', '?', '[...]' over function names. */
class OverloadAndGlobTest {

    static final class Over {
        static int over() {
            return 0;
        }

        static int over(int x) {
            return x;
        }

        static int over(String s) {
            return s.length();
        }

        static int over(int x, String s) {
            return x + s.length();
        }
    }

    static final class G {
        static int getA() {
            return 1;
        }

        static int getB() {
            return 2;
        }

        static int setA() {
            return 3;
        }

        static int m1() {
            return 4;
        }

        static int m2() {
            return 5;
        }

        static int m3() {
            return 6;
        }

        static int m10() {
            return 7;
        }
    }

    static final String OVER = "org.jftrace.it.filters.OverloadAndGlobTest$Over.over";
    static final String G_CLASS = "org.jftrace.it.filters.OverloadAndGlobTest$G";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        callOverloads();
        callG();
    }

    @AfterEach
    void unregisterAll() {
        FilterSupport.unregisterQuietly(cleanup);
    }

    private static int callOverloads() {
        return Over.over() + Over.over(1) + Over.over("ab") + Over.over(3, "abcd");
    }

    private static int callG() {
        return G.getA() + G.getB() + G.setA() + G.m1() + G.m2() + G.m3() + G.m10();
    }

    /** {@return the signatures called back while {@code pattern} is the only filter entry of a fresh registered ops} */
    private List<String> hitsOf(String pattern, boolean overloads) {
        FilterSupport.Recorder r = new FilterSupport.Recorder("glob " + pattern);
        cleanup.add(r.ops);
        Ftrace.ftraceSetFilter(r.ops, pattern, false);
        Ftrace.registerFtraceFunction(r.ops);
        try {
            assertEquals(overloads ? 10 : 28, overloads ? callOverloads() : callG());
        } finally {
            Ftrace.unregisterFtraceFunction(r.ops);
        }
        return r.drainSignatures();
    }

    @Test
    // a parameter list selects exactly one overload; without one every overload is selected
    void parameterListSelectsOneOverload() {
        assertEquals(List.of(OVER + "(int)"), hitsOf(OVER + "(int)", true));
        assertEquals(List.of(OVER + "(java.lang.String)"), hitsOf(OVER + "(java.lang.String)", true));
        assertEquals(List.of(OVER + "(int,java.lang.String)"), hitsOf(OVER + "(int,java.lang.String)", true));
        assertEquals(List.of(OVER + "()"), hitsOf(OVER + "()", true));
        assertEquals(List.of(OVER + "()", OVER + "(int)", OVER + "(java.lang.String)", OVER + "(int,java.lang.String)"),
                hitsOf(OVER, true));
    }

    @Test
    // '*' matches any run of characters
    void starGlob() {
        assertEquals(List.of(G_CLASS + ".getA()", G_CLASS + ".getB()"), hitsOf(G_CLASS + ".get*", false));
        assertEquals(List.of(G_CLASS + ".getA()", G_CLASS + ".setA()"), hitsOf(G_CLASS + ".*etA", false));
        assertEquals(List.of(G_CLASS + ".m1()", G_CLASS + ".m10()"), hitsOf("org.jftrace.it.filters.*$G.m1*", false));
    }

    @Test
    // '?' matches exactly one character
    void questionMarkGlob() {
        assertEquals(List.of(G_CLASS + ".m1()", G_CLASS + ".m2()", G_CLASS + ".m3()"), hitsOf(G_CLASS + ".m?", false));
        assertEquals(List.of(G_CLASS + ".m10()"), hitsOf(G_CLASS + ".m??", false));
    }

    @Test
    // '[...]' matches one character of a set, a range, or (with '!') its complement
    void bracketGlob() {
        assertEquals(List.of(G_CLASS + ".m1()", G_CLASS + ".m3()"), hitsOf(G_CLASS + ".m[13]", false));
        assertEquals(List.of(G_CLASS + ".m1()", G_CLASS + ".m2()"), hitsOf(G_CLASS + ".m[1-2]", false));
        assertEquals(List.of(G_CLASS + ".m2()", G_CLASS + ".m3()"), hitsOf(G_CLASS + ".m[!1]", false));
        assertEquals(List.of(G_CLASS + ".getA()", G_CLASS + ".setA()"), hitsOf(G_CLASS + ".[gs]etA", false));
    }
}
