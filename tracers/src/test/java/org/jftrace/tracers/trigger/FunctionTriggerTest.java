package org.jftrace.tracers.trigger;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceEvent;

/** The trigger syntax and what each command does when it fires (the callback driven directly). */
class FunctionTriggerTest {

    @Test
    void parsesTheKernelsSyntax() {
        assertEquals(new FunctionTrigger("com.acme.A.b", TriggerCommand.TRACEOFF, 1), FunctionTrigger.parse("com.acme.A.b:traceoff:1"));
        assertEquals(new FunctionTrigger("com.acme.*", TriggerCommand.TRACEON, FunctionTrigger.UNLIMITED),
                FunctionTrigger.parse(" com.acme.*:traceon "));
        assertEquals(new FunctionTrigger("a.B.c", TriggerCommand.STACKTRACE, 0), FunctionTrigger.parse("a.B.c:stacktrace:0"));
        // the glob keeps its own :mod: part; command and count come from the right
        assertEquals(new FunctionTrigger("com.acme.*:mod:app", TriggerCommand.SNAPSHOT, 12),
                FunctionTrigger.parse("com.acme.*:mod:app:snapshot:12"));
        assertEquals("a.B.c:traceoff:count=3", FunctionTrigger.parse("a.B.c:traceoff:3").toString());
        assertEquals("a.B.c:snapshot:unlimited", FunctionTrigger.parse("a.B.c:snapshot").toString());
    }

    @Test
    void triggerLinesAreToldFromPlainGlobs() {
        assertTrue(FunctionTrigger.isTrigger("a.B.c:traceoff"));
        assertTrue(FunctionTrigger.isTrigger("a.B.c:stacktrace:3"));
        assertTrue(FunctionTrigger.isTrigger("a.*:mod:app:snapshot"));
        assertFalse(FunctionTrigger.isTrigger("a.B.c"));
        assertFalse(FunctionTrigger.isTrigger("a.*:mod:app"));
        assertFalse(FunctionTrigger.isTrigger("a.*:mod:12"));
        assertFalse(FunctionTrigger.isTrigger(null));
    }

    @Test
    void badSpecsSayWhatToWrite() {
        assertEinval("a.B.c", "has no command");
        assertEinval("a.B.c:traceof", "unknown trigger command 'traceof'");
        assertEinval("a.B.c:traceoff:x1", "unknown trigger command 'x1'");
        assertEinval("a.B.c:traceoff:1x", "count '1x' is not a decimal number");
        assertEinval("a.B.c:traceoff:99999999999999999999", "is too large");
        assertEinval(":traceoff", "has no function");
        assertEinval(":5", "has a count but no command");
        assertEinval("5", "has no command");
        assertEinval("", "empty trigger");
        assertEinval(null, "empty trigger");
        FtraceException e = assertThrows(FtraceException.class, () -> new FunctionTrigger("a", TriggerCommand.TRACEON, -2));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    private static void assertEinval(String spec, String part) {
        FtraceException e = assertThrows(FtraceException.class, () -> FunctionTrigger.parse(spec));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** A target with a tracing_on flag, a ring and a snapshot count. */
    static final class FakeTarget implements TriggerTarget {
        boolean on = true;
        int flips;
        int snapshots;
        final RingBuffer ring = RingBuffer.create(4, 1, BufferMode.OVERWRITE);

        @Override
        public String tracerName() {
            return "fake";
        }

        @Override
        public boolean isTracingOn() {
            return on;
        }

        @Override
        public void setTracingOn(boolean v) {
            flips++;
            on = v;
            ring.setRecording(v);
        }

        @Override
        public RingBuffer traceRing() {
            return ring;
        }

        @Override
        public boolean hasSnapshot() {
            return true;
        }

        @Override
        public void takeSnapshot() {
            snapshots++;
        }
    }

    private static Triggers.Fire fire(FakeTarget t, TriggerCommand c, long count) {
        return new Triggers.Fire(t, c, count == FunctionTrigger.UNLIMITED ? null : new IpCounts(8, count));
    }

    @Test
    void countedTraceoffDecrementsOnlyWhenItTurnsTracingOff() {
        FakeTarget t = new FakeTarget();
        Triggers.Fire off = fire(t, TriggerCommand.TRACEOFF, 2);
        off.call(100, 0, null, null);
        assertFalse(t.on);
        assertEquals(1, off.counts.countOf(100));
        off.call(100, 0, null, null); // already off: no change, count kept (the kernel's update_traceon_count)
        assertEquals(1, off.counts.countOf(100));
        t.on = true;
        off.call(100, 0, null, null);
        assertFalse(t.on);
        assertEquals(0, off.counts.countOf(100));
        t.on = true;
        off.call(100, 0, null, null); // count exhausted: tracing stays on
        assertTrue(t.on);
        // each function has its own count
        assertEquals(2, off.counts.countOf(200));
        off.call(200, 0, null, null);
        assertFalse(t.on);
        assertEquals(1, off.counts.countOf(200));
        assertEquals(3, t.flips);
    }

    @Test
    void unlimitedTraceonFiresEveryTime() {
        FakeTarget t = new FakeTarget();
        Triggers.Fire on = fire(t, TriggerCommand.TRACEON, FunctionTrigger.UNLIMITED);
        for (int i = 0; i < 5; i++) {
            t.on = false;
            on.call(7, 0, null, null);
            assertTrue(t.on);
        }
        on.call(7, 0, null, null); // on already: not set again
        assertEquals(5, t.flips);
    }

    @Test
    void stacktraceRecordsTheCallersFramesWhileTracingIsOn() {
        FakeTarget t = new FakeTarget();
        Triggers.Fire st = fire(t, TriggerCommand.STACKTRACE, 1);
        // through a JDK frame: the walk drops jftrace's frames (this class is in org.jftrace.tracers)
        // until the first other one, then keeps every frame
        java.util.Optional.of(42L).ifPresent(ip -> st.call(ip, 0, null, null));
        st.call(42, 0, null, null); // count 1: one stack only
        t.setTracingOn(false);
        fire(t, TriggerCommand.STACKTRACE, FunctionTrigger.UNLIMITED).call(43, 0, null, null); // off: none
        List<TraceEvent> ev = t.ring.snapshot().events();
        assertEquals(1, ev.size());
        TraceEvent e = ev.get(0);
        assertEquals(EventLayout.KIND_STACK, e.kind());
        assertEquals(42, e.ip());
        List<String> frames = t.ring.stacks().get(e.payload0());
        assertEquals("java.util.Optional.ifPresent", frames.get(0));
        assertEquals(getClass().getName() + ".stacktraceRecordsTheCallersFramesWhileTracingIsOn", frames.get(1));
        assertEquals(frames.size(), e.payload1());
    }

    @Test
    void snapshotCountsDownPerCopy() {
        FakeTarget t = new FakeTarget();
        Triggers.Fire sn = fire(t, TriggerCommand.SNAPSHOT, 2);
        for (int i = 0; i < 4; i++) {
            sn.call(9, 0, null, null);
        }
        assertEquals(2, t.snapshots);
        Triggers.Fire all = fire(t, TriggerCommand.SNAPSHOT, FunctionTrigger.UNLIMITED);
        all.call(9, 0, null, null);
        assertEquals(3, t.snapshots);
    }

    @Test
    void countsSharedByRacingThreadsNeverGoBelowZero() throws Exception {
        FakeTarget t = new FakeTarget();
        t.on = false; // stacktrace fires only while on; keep it on
        t.setTracingOn(true);
        Triggers.Fire st = fire(t, TriggerCommand.STACKTRACE, 100);
        List<Thread> ths = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread th = new Thread(() -> {
                for (int k = 0; k < 100; k++) {
                    st.call(5, 0, null, null);
                }
            });
            ths.add(th);
            th.start();
        }
        for (Thread th : ths) {
            th.join();
        }
        assertEquals(0, st.counts.countOf(5));
        var stats = t.ring.stats().get(0);
        assertEquals(100, stats.written() + stats.lost(), "exactly the count's stacks (written, or lost to a busy buffer)");
    }

    /** traceon/traceoff firing allocate nothing (an object a call would show as 1.6 MB). */
    @Test
    void togglesAllocateNothing() {
        FakeTarget t = new FakeTarget();
        Triggers.Fire off = fire(t, TriggerCommand.TRACEOFF, 1_000_000);
        Triggers.Fire on = fire(t, TriggerCommand.TRACEON, FunctionTrigger.UNLIMITED);
        off.call(3, 0, null, null);
        on.call(4, 0, null, null);
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        @SuppressWarnings("deprecation")
        long id = Thread.currentThread().getId();
        long bytes = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // the least of 5: steady state, compiled, no JIT noise
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 50_000; i++) {
                off.call(3, 0, null, null);
                on.call(4, 0, null, null);
            }
            bytes = Math.min(bytes, mx.getThreadAllocatedBytes(id) - before);
        }
        assertTrue(bytes < 16_384, bytes + " bytes for 100,000 firings");
        assertEquals(1_000_000 - 250_001, off.counts.countOf(3), "one decrement per flip");
    }

    @Test
    void ipCountsGiveEachFunctionItsSlotAndShareOneWhenFull() {
        IpCounts c = new IpCounts(2, 3);
        int a = c.slot(11);
        int b = c.slot(12);
        assertNotEquals(a, b);
        assertEquals(a, c.slot(11));
        int overflow = c.slot(13);
        assertEquals(overflow, c.slot(14), "a full table shares the overflow count");
        assertNotEquals(a, overflow);
        assertEquals(3, c.get(overflow));
        java.util.Map<Long, Long> seen = new java.util.TreeMap<>();
        c.forEach(seen::put);
        assertEquals(java.util.Map.of(11L, 3L, 12L, 3L), seen, "the functions with a slot of their own");
    }

    @Test
    void jftraceFramesAreRecognised() {
        assertTrue(Triggers.Fire.isJftrace("org.jftrace.internal.dispatch.Chain"));
        assertTrue(Triggers.Fire.isJftrace("org.jftrace.tracers.trigger.Triggers$Fire"));
        assertTrue(Triggers.Fire.isJftrace("org.jftrace.Ftrace"));
        assertFalse(Triggers.Fire.isJftrace("org.jftrace.it.tracers.Workload"));
        assertFalse(Triggers.Fire.isJftrace("com.acme.Orders"));
    }
}
