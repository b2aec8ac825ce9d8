package org.jftrace.tracers.function;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;

import org.jftrace.FunctionInfo;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.TraceEvent;
import org.junit.jupiter.api.Test;

/** The text of one event, with a fixed resolver (no agent): parents, unknown tasks, sym-offset. */
class FunctionTraceFormatTest {
    private static Optional<FunctionInfo> resolve(long ip) {
        if (ip == 10) {
            return Optional.of(new FunctionInfo(10, "a.B", "m", "()V", "()", "", null, -1, 0));
        }
        if (ip == 20) {
            return Optional.of(new FunctionInfo(20, "a.C", "caller", "()V", "()", "", "C.java", 7, 12));
        }
        return Optional.empty();
    }

    private static String one(int flags, long parent, boolean symOffset) {
        RingBuffer r = RingBuffer.create(1, 1, BufferMode.OVERWRITE);
        Thread t = new Thread(() -> r.write(EventLayout.KIND_FUNCTION, flags, 0, 10, parent, 0, 0), "worker-7");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        List<TraceEvent> ev = r.snapshot().events();
        return new FunctionTraceFormat(r, symOffset, FunctionTraceFormatTest::resolve).line(ev.get(0));
    }

    @Test
    void parents() {
        assertTrue(one(0, 0, false).endsWith(": a.B.m <-?"), one(0, 0, false));
        assertTrue(one(EventLayout.FLAG_PARENT_EXACT, 0, false).endsWith(": a.B.m <-??"));
        assertTrue(one(EventLayout.FLAG_PARENT_EXACT, 20, false).endsWith(": a.B.m <-a.C.caller"));
        assertTrue(one(EventLayout.FLAG_PARENT_EXACT, 20, true).endsWith(": a.B.m <-a.C.caller+12"));
        assertTrue(one(EventLayout.FLAG_PARENT_EXACT, 99, false).endsWith(": a.B.m <-0x63"), "unresolvable ip in hex");
    }

    @Test
    void kernelColumns() {
        String l = one(0, 0, false);
        assertTrue(l.matches("^        worker-7-\\d+ +\\[000\\] +\\d+\\.\\d{6}: a\\.B\\.m <-\\?$"), l);
        // the line layout the JVM-level test (it module, FunctionTracerJvmTest) parses back
        assertTrue(l.matches("^ *(.+)-(\\d+) +\\[(\\d{3})\\] +(\\d+)\\.(\\d{6}): (\\S+) <-(\\S+)$"), l);
    }

    @Test
    void unknownTaskIsPrintedTheKernelsWay() {
        RingBuffer r = RingBuffer.create(1, 1, BufferMode.OVERWRITE);
        TraceEvent ghost = new TraceEvent(0, 0, RingBuffer.clockEpoch() + 1_500_000_000L, 123456, 10, 0,
                EventLayout.KIND_FUNCTION, 0, 0, 0, 0);
        String l = new FunctionTraceFormat(r, false, FunctionTraceFormatTest::resolve).line(ghost);
        assertEquals("           <...>-123456  [000]      1.500000: a.B.m <-?", l);
    }

    @Test
    void nearestParentsAreMarked() {
        assertTrue(one(EventLayout.FLAG_PARENT_NEAREST, 20, false).endsWith(": a.B.m <-~a.C.caller"), "nearest, no offset");
        assertTrue(one(EventLayout.FLAG_PARENT_NEAREST, 20, true).endsWith(": a.B.m <-~a.C.caller"),
                "a nearest frame is a function, not a call site: no +bci");
        assertTrue(one(EventLayout.FLAG_PARENT_NEAREST, 0, false).endsWith(": a.B.m <-~??"), "no traced call open");
    }

    @Test
    void counterClockPrintsCountsAndSaysSo() {
        RingBuffer r = RingBuffer.create(1, 1, BufferMode.OVERWRITE, TraceClock.COUNTER);
        for (int i = 0; i < 3; i++) {
            r.write(EventLayout.KIND_FUNCTION, 0, 0, 10, 0, 0, 0);
        }
        FunctionTraceFormat f = new FunctionTraceFormat(r, false, FunctionTraceFormatTest::resolve);
        List<TraceEvent> ev = r.snapshot().events();
        assertTrue(f.line(ev.get(2)).matches("^ *.+-\\d+ +\\[000\\]             2: a\\.B\\.m <-\\?$"), f.line(ev.get(2)));
        StringBuilder h = new StringBuilder();
        f.header(h, "function", r.stats());
        assertTrue(h.toString().contains("# trace_clock: counter (a count of the ring's events: order only, no time;"), h.toString());
    }

    @Test
    void stackTraceEventsPrintTheKernelsFrameLines() {
        RingBuffer r = RingBuffer.create(1, 1, BufferMode.OVERWRITE);
        long id = r.stacks().put(List.of("a.B.m", "a.C.caller"));
        r.write(EventLayout.KIND_STACK, 0, 0, 10, 0, id, 2);
        String l = new FunctionTraceFormat(r, false, FunctionTraceFormatTest::resolve).line(r.snapshot().events().get(0));
        assertTrue(l.matches("(?s)^ *.+-\\d+ +\\[000\\] +\\d+\\.\\d{6}: <stack trace>\n => a\\.B\\.m\n => a\\.C\\.caller$"), l);
        TraceEvent gone = new TraceEvent(0, 0, RingBuffer.clockEpoch(), 1, 10, 0, EventLayout.KIND_STACK, 0, 0, id + 5000, 0);
        assertTrue(new FunctionTraceFormat(r, false, FunctionTraceFormatTest::resolve).line(gone).endsWith(
                " => ?? (stack no longer kept: more than 1024 stacks since)"));
    }

    @Test
    void tracePipeGivesAStackTraceAsSeparateLines() throws Exception {
        FunctionTracer t = FunctionTracer.builder().bufferSizeKb(1).buffers(1).build(); // not started: no agent needed
        long id = t.ring().stacks().put(List.of("a.B.m", "a.C.caller"));
        t.ring().write(EventLayout.KIND_STACK, 0, 0, 10, 0, id, 2);
        List<String> lines = t.openPipe().readLines(1, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(": <stack trace>"), lines.get(0));
        assertEquals(List.of(" => a.B.m", " => a.C.caller"), lines.subList(1, 3));
    }

    @Test
    void lostLine() {
        assertEquals("BUF:3 [LOST 12 EVENTS]", FunctionTraceFormat.lostLine(3, 12));
    }
}
