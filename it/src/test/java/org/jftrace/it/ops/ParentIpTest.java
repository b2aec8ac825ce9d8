package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PARENT_IP (jftrace-only flag): parentIp is the real call site; without the flag it is UNKNOWN_IP (0). */
class ParentIpTest {

    static final class Target {
        static int leaf(int x) {
            return x + 100;
        }
    }

    static final String LEAF = "org.jftrace.it.ops.ParentIpTest$Target.leaf";
    static final String CALLER = "org.jftrace.it.ops.ParentIpTest.callLeaf";
    static final String JDK_CALLER = "org.jftrace.it.ops.ParentIpTest.callHashMapGet";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.leaf(0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    /** Calls the target; line[0] gets the source line of the call (same line). Keep both statements on one line. */
    static int callLeaf(int[] line) {
        line[0] = OpsSupport.callerLine(); int r = Target.leaf(1); // the call site under test
        return r;
    }

    /** Calls HashMap.get inside the window; line[0] gets the source line of the call. Keep on one line. */
    static String callHashMapGet(Map<String, String> map, OpsSupport.Window window, int[] line) {
        line[0] = OpsSupport.callerLine(); window.arm(); String v = map.get("jftrace-parent-key"); window.disarm();
        return v;
    }

    private static void assertCallSite(long parentIp, String caller, int expectedLine) {
        assertTrue(parentIp != Ftrace.UNKNOWN_IP, "PARENT_IP ops got no parent ip");
        FunctionInfo site = Ftrace.lookup(parentIp).orElseThrow(
                () -> new AssertionError("parent ip 0x" + Long.toHexString(parentIp) + " does not resolve"));
        assertEquals(caller, site.name(), "parent ip names the calling method");
        assertTrue(site.bci() > 0, () -> "call site bci should be > 0: " + site);
        assertEquals(expectedLine, site.line(), () -> "source line of the call site: " + site);
        long callerIp = Ftrace.lookupIp(caller);
        assertEquals(callerIp, parentIp & ~0xFFFFL, "parent ip = caller's method ip | bci");
        assertEquals(site.bci(), (int) (parentIp & 0xFFFFL));
    }

    @Test
    // application class: PARENT_IP resolves to the calling method, a bci > 0 and the source line of the call
    void parentIpNamesTheCallSiteInApplicationClass() {
        Queue<long[]> seen = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> seen.add(new long[] {ip, parentIp}))
                .withFlags(FtraceOps.Flag.PARENT_IP);
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, LEAF, false);
        Ftrace.registerFtraceFunction(ops);

        int[] line = new int[1];
        assertEquals(101, callLeaf(line));
        assertEquals(1, seen.size());
        long[] call = seen.poll();
        assertEquals(LEAF, OpsSupport.nameOf(call[0]));
        assertCallSite(call[1], CALLER, line[0]);
    }

    @Test
    // JDK class (static-call hook on HashMap.get): PARENT_IP resolves to the calling test method and line
    void parentIpNamesTheCallSiteOfJdkMethod() {
        Map<String, String> map = new HashMap<>();
        map.put("jftrace-parent-key", "v");
        OpsSupport.Window window = new OpsSupport.Window();
        Queue<long[]> seen = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                seen.add(new long[] {ip, parentIp});
            }
        }).withFlags(FtraceOps.Flag.PARENT_IP);
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);

        int[] line = new int[1];
        assertEquals("v", callHashMapGet(map, window, line));
        Ftrace.unregisterFtraceFunction(ops);
        assertEquals(1, seen.size());
        long[] call = seen.poll();
        assertEquals("java.util.HashMap.get", OpsSupport.nameOf(call[0]));
        assertCallSite(call[1], JDK_CALLER, line[0]);
    }

    @Test
    // without PARENT_IP, parentIp is UNKNOWN_IP (0) for both hook kinds
    void withoutFlagParentIpIsUnknown() {
        Map<String, String> map = new HashMap<>();
        map.put("jftrace-parent-key", "v");
        OpsSupport.Window window = new OpsSupport.Window();
        Queue<Long> parents = new ConcurrentLinkedQueue<>();
        FtraceOps app = FtraceOps.of((ip, parentIp, op, regs) -> parents.add(parentIp));
        FtraceOps jdk = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                parents.add(parentIp);
            }
        });
        cleanup.add(app);
        cleanup.add(jdk);
        Ftrace.ftraceSetFilter(app, LEAF, false);
        Ftrace.ftraceSetFilter(jdk, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(app);
        Ftrace.registerFtraceFunction(jdk);

        int[] line = new int[1];
        assertEquals(101, callLeaf(line));
        assertEquals("v", callHashMapGet(map, window, line));
        assertEquals(List.of(Ftrace.UNKNOWN_IP, Ftrace.UNKNOWN_IP), new ArrayList<>(parents));
        assertEquals(0L, Ftrace.UNKNOWN_IP);
    }
}
