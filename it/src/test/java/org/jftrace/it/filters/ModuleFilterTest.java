package org.jftrace.it.filters;

import static org.jftrace.it.filters.FilterSupport.expectErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.3 {@code :mod:}: a JPMS module name (java.base) or, for class path classes, the directory they came from (test-classes). */
class ModuleFilterTest {

    static final class T {
        static int run() {
            return 5;
        }

        static int walk() {
            return 6;
        }
    }

    static final String RUN = "org.jftrace.it.filters.ModuleFilterTest$T.run";
    static final String WALK = "org.jftrace.it.filters.ModuleFilterTest$T.walk";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        T.run();
        T.walk();
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

    @Test
    // a test class comes from the directory test-classes: ':mod:test-classes' (and a glob of it) selects it, ':mod:java.base' is EINVAL
    void classPathDirectoryIsTheModuleOfTestClasses() {
        assertEquals("test-classes", Ftrace.lookup(Ftrace.lookupIp(RUN)).orElseThrow().module());

        FilterSupport.Recorder r = recorder("mod-test-classes");
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, RUN + ":mod:java.base", false));
        Ftrace.ftraceSetFilter(r.ops, RUN + ":mod:test-classes", false);
        Ftrace.ftraceSetFilter(r.ops, "org.jftrace.it.filters.ModuleFilterTest$T.w*:mod:test-classe?", false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(11, T.run() + T.walk());
        assertEquals(List.of(RUN, WALK), r.drain());
    }

    @Test
    // java.util.HashMap lives in module java.base: ':mod:java.base' selects HashMap.get, ':mod:test-classes' is EINVAL
    void jpmsModuleNameSelectsJdkMethods() {
        assertEquals("java.base", Ftrace.lookup(Ftrace.lookupIp("java.util.HashMap.get")).orElseThrow().module());

        FilterSupport.Window window = new FilterSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                ips.add(ip);
            }
        });
        cleanup.add(ops);
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get:mod:test-classes", false));
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get:mod:java.base", false);
        Ftrace.registerFtraceFunction(ops);

        Map<String, Integer> map = new HashMap<>();
        map.put("jftrace-mod-key", 1);
        Integer[] got = new Integer[1];
        window.run(() -> got[0] = map.get("jftrace-mod-key"));
        assertEquals(1, got[0]);
        assertEquals(1, ips.size());
        assertEquals("java.util.HashMap.get", FilterSupport.nameOf(ips.peek()));
    }
}
