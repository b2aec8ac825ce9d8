package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.5: several ops on one method are all called, each once per call, newest-registered first. */
class MultipleOpsTest {

    static final class Target {
        static int run(int x) {
            return x + 1;
        }
    }

    static final String RUN = "org.jftrace.it.ops.MultipleOpsTest$Target.run";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.run(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps recording(String name, List<String> order, OpsSupport.Window window) {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window == null || window.inside()) {
                order.add(name);
            }
        }).withName(name);
        cleanup.add(ops);
        return ops;
    }

    @Test
    // application class (invokedynamic hook): three ops, each once per call, newest first; unregistering the middle one keeps the order of the rest
    void allOpsCalledNewestFirstOnApplicationClass() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        FtraceOps a = recording("A", order, null);
        FtraceOps b = recording("B", order, null);
        FtraceOps c = recording("C", order, null);
        for (FtraceOps o : List.of(a, b, c)) {
            Ftrace.ftraceSetFilter(o, RUN, false);
            Ftrace.registerFtraceFunction(o);
        }
        assertEquals(2, Target.run(1));
        assertEquals(3, Target.run(2));
        assertEquals(List.of("C", "B", "A", "C", "B", "A"), order);

        order.clear();
        Ftrace.unregisterFtraceFunction(b);
        assertEquals(4, Target.run(3));
        assertEquals(List.of("C", "A"), order);
    }

    @Test
    // JDK class (static-call hook, java.util.HashMap.get): three ops, each once per call, newest first
    void allOpsCalledNewestFirstOnJdkClass() {
        Map<String, String> map = new HashMap<>();
        map.put("jftrace-multi-key", "v");
        OpsSupport.Window window = new OpsSupport.Window();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        FtraceOps a = recording("A", order, window);
        FtraceOps b = recording("B", order, window);
        FtraceOps c = recording("C", order, window);
        for (FtraceOps o : List.of(a, b, c)) {
            Ftrace.ftraceSetFilter(o, "java.util.HashMap.get", false);
            Ftrace.registerFtraceFunction(o);
        }
        String[] got = new String[2];
        window.run(() -> {
            got[0] = map.get("jftrace-multi-key");
            got[1] = map.get("jftrace-missing-key");
        });
        assertEquals("v", got[0]);
        assertEquals(null, got[1]);
        assertEquals(List.of("C", "B", "A", "C", "B", "A"), order);

        order.clear();
        Ftrace.unregisterFtraceFunction(c);
        window.run(() -> got[0] = map.get("jftrace-multi-key"));
        assertEquals("v", got[0]);
        assertEquals(List.of("B", "A"), order);
    }

    @Test
    // guarded and RECURSION_SAFE ops mixed on one method keep the newest-first order
    void mixedFlagsKeepNewestFirstOrder() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        FtraceOps a = recording("A", order, null);
        FtraceOps b = recording("B", order, null).withFlags(FtraceOps.Flag.RECURSION_SAFE);
        cleanup.add(b);
        FtraceOps c = recording("C", order, null).withFlags(FtraceOps.Flag.PARENT_IP);
        cleanup.add(c);
        for (FtraceOps o : List.of(a, b, c)) {
            Ftrace.ftraceSetFilter(o, RUN, false);
            Ftrace.registerFtraceFunction(o);
        }
        assertEquals(6, Target.run(5));
        assertEquals(List.of("C", "B", "A"), order);
    }

    @Test
    // one ops' callback throwing does not keep the other ops on the method from being called
    void throwingOpsDoesNotSkipTheOthers() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        FtraceOps first = recording("first", order, null);
        FtraceOps thrower = FtraceOps.of((ip, parentIp, op, regs) -> {
            order.add("thrower");
            throw new IllegalStateException("callback failure (expected by the test)");
        }).withName("thrower");
        cleanup.add(thrower);
        FtraceOps last = recording("last", order, null);
        for (FtraceOps o : List.of(first, thrower, last)) {
            Ftrace.ftraceSetFilter(o, RUN, false);
            Ftrace.registerFtraceFunction(o);
        }
        assertEquals(8, Target.run(7));
        assertEquals(8, Target.run(7));
        assertEquals(List.of("last", "thrower", "first", "last", "thrower", "first"), order);
        assertEquals(2, Ftrace.callbackErrors(thrower));
        assertEquals(0, Ftrace.callbackErrors(first));
        assertEquals(0, Ftrace.callbackErrors(last));
    }
}
