package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.jftrace.Errno;
import org.jftrace.FtraceException;

/** trace_clock: the counter orders every event of a ring exactly; uptime is coarse but moves; names. */
class TraceClockTest {

    @Test
    void counterNumbersEveryEventOfTheRingOnceAcrossThreadsAndBuffers() throws Exception {
        RingBuffer r = RingBuffer.create(64, 4, BufferMode.OVERWRITE, TraceClock.COUNTER);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                for (int k = 0; k < 200; k++) {
                    r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        List<TraceEvent> ev = r.snapshot().events();
        long lost = r.snapshot().total().lost();
        Set<Long> seen = new HashSet<>();
        for (TraceEvent e : ev) {
            assertTrue(seen.add(e.timestamp()), "each count once: " + e.timestamp());
            assertTrue(e.timestamp() >= 0 && e.timestamp() < 800);
        }
        assertEquals(800 - lost, ev.size());
        // merged in count order: the snapshot's order is the order the events were stamped
        for (int i = 1; i < ev.size(); i++) {
            assertTrue(ev.get(i).timestamp() > ev.get(i - 1).timestamp());
        }
        assertEquals(TraceClock.COUNTER, r.clock());
    }

    @Test
    void uptimeIsCoarseButMoves() throws Exception {
        RingBuffer r = RingBuffer.create(4, 1, BufferMode.OVERWRITE, TraceClock.UPTIME);
        Thread.sleep(5); // the ticker has ticked
        r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0);
        r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0);
        long before = System.nanoTime();
        Thread.sleep(20);
        r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0);
        List<TraceEvent> ev = r.snapshot().events();
        long now = System.nanoTime();
        assertTrue(ev.get(1).timestamp() - ev.get(0).timestamp() < 5_000_000L, "two writes in a row: within a few ticks");
        assertTrue(ev.get(2).timestamp() >= before, "after 20 ms the clock has moved past the time before the sleep");
        assertTrue(ev.get(2).timestamp() <= now, "never ahead of nanoTime");
        boolean ticker = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("jftrace-trace-clock"));
        assertTrue(ticker, "the clock thread runs while an uptime ring is used");
    }

    @Test
    void monoIsTheDefaultAndNamesAreTheKernels() {
        assertEquals(TraceClock.MONO, RingBuffer.create(1, 1, BufferMode.OVERWRITE).clock());
        assertEquals(TraceClock.COUNTER, TraceClock.of("counter"));
        assertEquals(TraceClock.UPTIME, TraceClock.of("uptime"));
        FtraceException e = assertThrows(FtraceException.class, () -> TraceClock.of("local"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: unknown trace_clock 'local': give one of mono, counter, uptime", e.getMessage());
        assertThrows(FtraceException.class, () -> RingBuffer.create(1, 1, BufferMode.OVERWRITE, null));
    }
}
