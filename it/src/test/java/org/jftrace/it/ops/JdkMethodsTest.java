package org.jftrace.it.ops;

import static org.jftrace.it.ops.OpsSupport.expectErrno;
import static org.jftrace.it.ops.OpsSupport.namesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC 1 (JDK classes are functions too): hooking java.util.HashMap.get and java.lang.String.indexOf(String). */
class JdkMethodsTest {

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private static Set<String> availableSignatures() {
        return Ftrace.availableFilterFunctions().stream().map(FunctionInfo::signature).collect(Collectors.toSet());
    }

    private FtraceOps windowed(OpsSupport.Window window, Queue<Long> ips) {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                ips.add(ip);
            }
        });
        cleanup.add(ops);
        return ops;
    }

    @Test
    // HashMap.get is listed (module java.base) and, once hooked, runs the callback once per call on the calling thread; unregister stops it
    void hashMapGetIsHookable() {
        FunctionInfo listed = Ftrace.availableFilterFunctions().stream()
                .filter(f -> f.signature().equals("java.util.HashMap.get(java.lang.Object)"))
                .findFirst().orElseThrow(() -> new AssertionError("HashMap.get not in availableFilterFunctions"));
        assertEquals("java.base", listed.module());

        Map<String, String> map = new HashMap<>();
        map.put("jftrace-jdk-key", "value");
        OpsSupport.Window window = new OpsSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = windowed(window, ips);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);

        String[] got = new String[3];
        window.run(() -> {
            got[0] = map.get("jftrace-jdk-key");
            got[1] = map.get("jftrace-absent");
            got[2] = map.getOrDefault("jftrace-jdk-key", "x"); // another method: no callback
        });
        assertEquals("value", got[0]);
        assertNull(got[1]);
        assertEquals("value", got[2]);
        assertEquals(List.of("java.util.HashMap.get", "java.util.HashMap.get"), namesOf(ips));
        assertEquals(listed.ip(), ips.peek().longValue());

        Ftrace.unregisterFtraceFunction(ops);
        ips.clear();
        window.run(() -> got[0] = map.get("jftrace-jdk-key"));
        assertEquals("value", got[0]);
        assertTrue(ips.isEmpty(), "no callback after unregister");
    }

    @Test
    // String.indexOf(java.lang.String) is listed and hookable alone: only that overload calls back, results unchanged
    void stringIndexOfStringIsHookable() {
        assertTrue(availableSignatures().contains("java.lang.String.indexOf(java.lang.String)"),
                "String.indexOf(String) should be traceable (it is no intrinsic candidate in the JDK's class file)");

        String haystack = new StringBuilder("hello jftrace world").toString();
        OpsSupport.Window window = new OpsSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = windowed(window, ips);
        Ftrace.ftraceSetFilter(ops, "java.lang.String.indexOf(java.lang.String)", false);
        Ftrace.registerFtraceFunction(ops);

        int[] got = new int[4];
        window.run(() -> {
            got[0] = haystack.indexOf("jftrace");
            got[1] = haystack.indexOf("absent");
            got[2] = haystack.indexOf('w');        // indexOf(int): not selected
            got[3] = haystack.indexOf("o", 5);     // indexOf(String,int): not selected
        });
        assertEquals(6, got[0]);
        assertEquals(-1, got[1]);
        assertEquals(14, got[2]);
        assertEquals(15, got[3]);
        assertEquals(2, ips.size(), () -> "callbacks: " + namesOf(ips));
        for (Long ip : ips) {
            assertEquals("java.lang.String.indexOf(java.lang.String)", Ftrace.lookup(ip).orElseThrow().signature());
        }
    }

    @Test
    // a JIT intrinsic candidate (String.<init>(java.lang.String)) is absent from availableFilterFunctions and a filter on only it is EINVAL
    void intrinsicCandidateIsNotTraceable() {
        Set<String> available = availableSignatures();
        assertFalse(available.contains("java.lang.String.<init>(java.lang.String)"),
                "String(String) is @IntrinsicCandidate: it must not be listed");
        assertTrue(available.contains("java.lang.String.<init>(char[])"), "its non-intrinsic overloads are listed");

        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
        cleanup.add(ops);
        FtraceException e = expectErrno(Errno.EINVAL,
                () -> Ftrace.ftraceSetFilter(ops, "java.lang.String.<init>(java.lang.String)", false));
        assertTrue(e.getMessage().contains("java.lang.String.<init>(java.lang.String)"), e.getMessage());
    }
}
