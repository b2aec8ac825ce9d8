package org.jftrace.it.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.3/3.4: notrace wins over the filter; the notrace call's reset clears only the notrace list. */
class NotraceTest {

    static final class T {
        static int a() {
            return 1;
        }

        static int b() {
            return 2;
        }

        static int c() {
            return 3;
        }
    }

    static final class Other {
        static int m() {
            return 4;
        }
    }

    static final String PREFIX = "org.jftrace.it.filters.NotraceTest$";
    static final String A = PREFIX + "T.a";
    static final String B = PREFIX + "T.b";
    static final String C = PREFIX + "T.c";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        T.a();
        T.b();
        T.c();
        Other.m();
    }

    @AfterEach
    void unregisterAll() {
        FilterSupport.unregisterQuietly(cleanup);
    }

    private FilterSupport.Recorder recorder(String name) {
        FilterSupport.Recorder r = new FilterSupport.Recorder(name);
        cleanup.add(r.ops);
        return r;
    }

    private static int callAll() {
        return T.a() + T.b() + T.c() + Other.m();
    }

    @Test
    // a method both in the filter (via a glob) and on the notrace list is not hooked; the rest of the filter is
    void notraceWinsOverFilter() {
        FilterSupport.Recorder r = recorder("notrace-wins");
        Ftrace.ftraceSetFilter(r.ops, PREFIX + "T.*", false);
        Ftrace.ftraceSetNotrace(r.ops, B, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(A, C), r.drain());
    }

    @Test
    // a notrace entry added while registered unhooks the method at once
    void notraceOnRegisteredOpsTakesEffectAtOnce() {
        FilterSupport.Recorder r = recorder("notrace-live");
        Ftrace.ftraceSetFilter(r.ops, PREFIX + "T.*", false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(A, B, C), r.drain());
        Ftrace.ftraceSetNotrace(r.ops, A, false);
        assertEquals(10, callAll());
        assertEquals(List.of(B, C), r.drain());
    }

    @Test
    // notrace with reset replaces only the notrace list; the filter is untouched (Other.m, never in the filter, stays unhooked)
    void notraceResetClearsOnlyTheNotraceList() {
        FilterSupport.Recorder r = recorder("notrace-reset");
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.ftraceSetFilter(r.ops, B, false);
        Ftrace.ftraceSetNotrace(r.ops, B, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(A), r.drain());

        Ftrace.ftraceSetNotrace(r.ops, A, true); // notrace list becomes [A]: B is back
        assertEquals(10, callAll());
        assertEquals(List.of(B), r.drain());

        Ftrace.ftraceSetNotrace(r.ops, null, true); // notrace list cleared: filter [A, B] applies
        assertEquals(10, callAll());
        assertEquals(List.of(A, B), r.drain());
    }
}
