package org.jftrace.it.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.EnabledFunction;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.3: filter changes on a registered ops take effect at once in both directions; reset; '!' emptying the filter. */
class LiveFilterChangeTest {

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

    /** Loaded (by JUnit's discovery and by load()) but never named by any pattern. */
    static final class NeverNamed {
        static int m() {
            return 4;
        }
    }

    static final String PREFIX = "org.jftrace.it.filters.LiveFilterChangeTest$";
    static final String A = PREFIX + "T.a";
    static final String B = PREFIX + "T.b";
    static final String C = PREFIX + "T.c";
    static final String NEVER = PREFIX + "NeverNamed.m";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        T.a();
        T.b();
        T.c();
        NeverNamed.m();
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
        return T.a() + T.b() + T.c() + NeverNamed.m();
    }

    @Test
    // adding a method to a registered ops' filter hooks it at once; removing it with '!' unhooks it at once
    void addAndRemoveOnRegisteredOpsTakeEffectAtOnce() {
        FilterSupport.Recorder r = recorder("live-add-remove");
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(A), r.drain());

        Ftrace.ftraceSetFilter(r.ops, B, false);
        assertEquals(10, callAll());
        assertEquals(List.of(A, B), r.drain(), "b added while registered calls back at once");

        Ftrace.ftraceSetFilter(r.ops, "!" + B, false);
        assertEquals(10, callAll());
        assertEquals(List.of(A), r.drain(), "b removed while registered stops at once");
    }

    @Test
    // reset=true replaces the filter list of a registered ops: the old entry stops, the new one calls back
    void resetReplacesTheList() {
        FilterSupport.Recorder r = recorder("live-reset");
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.ftraceSetFilter(r.ops, B, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(A, B), r.drain());

        Ftrace.ftraceSetFilter(r.ops, C, true);
        assertEquals(10, callAll());
        assertEquals(List.of(C), r.drain());
    }

    @Test
    // reset=true before register replaces the list too (the ops hooks only the new pattern)
    void resetBeforeRegisterReplacesTheList() {
        FilterSupport.Recorder r = recorder("live-reset-unregistered");
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.ftraceSetFilter(r.ops, B, true);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(10, callAll());
        assertEquals(List.of(B), r.drain());
    }

    @Test
    // '!' removing the last entry leaves an empty filter = every method: a method never named now calls back (notrace limits this to our classes)
    void bangRemovingLastEntryMeansEveryMethod() {
        FilterSupport.Recorder r = recorder("live-bang-empties");
        FilterSupport.notraceAllBut(r.ops, PREFIX);
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.registerFtraceFunction(r.ops);
        try {
            assertEquals(10, callAll());
            assertEquals(List.of(A), r.drain());

            Ftrace.ftraceSetFilter(r.ops, "!" + A, false);
            assertEquals(10, callAll());
            assertEquals(List.of(A, B, C, NEVER), r.drain(), "an empty filter selects every (non-notrace) method");
        } finally {
            Ftrace.unregisterFtraceFunction(r.ops);
        }
    }

    @Test
    // JDK method (static-call hook): HashMap.get added to a registered ops' filter calls back at once, and stops at once after '!'
    void addAndRemoveJdkMethodOnRegisteredOps() {
        FilterSupport.Window window = new FilterSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                ips.add(ip);
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, A, false);
        Ftrace.registerFtraceFunction(ops);
        Map<String, Integer> map = new HashMap<>();
        map.put("jftrace-live-key", 1);
        int[] got = new int[1];

        window.run(() -> got[0] = map.get("jftrace-live-key") + T.a());
        assertEquals(2, got[0]);
        assertEquals(List.of(A), drain(ips));

        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        window.run(() -> got[0] = map.get("jftrace-live-key") + T.a());
        assertEquals(2, got[0]);
        assertEquals(List.of("java.util.HashMap.get", A), drain(ips));
        assertEquals(true, isEnabled("java.util.HashMap.get(java.lang.Object)"));

        Ftrace.ftraceSetFilter(ops, "!java.util.HashMap.get", false);
        window.run(() -> got[0] = map.get("jftrace-live-key") + T.a());
        assertEquals(2, got[0]);
        assertEquals(List.of(A), drain(ips));
        assertEquals(false, isEnabled("java.util.HashMap.get(java.lang.Object)"),
                "HashMap.get left enabled_functions when removed from the only ops' filter");
    }

    private static boolean isEnabled(String signature) {
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            if (e.function().signature().equals(signature)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> drain(Queue<Long> ips) {
        List<String> out = new ArrayList<>();
        Long ip;
        while ((ip = ips.poll()) != null) {
            out.add(FilterSupport.nameOf(ip));
        }
        return out;
    }
}
