package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.junit.jupiter.api.Test;

/** One thread: wrap, overwrite and drop accounting, clear, tracing_on, thread names, bad sizes. */
class RingBufferTest {

    /** 1 KB = 16 records of 64 bytes. */
    private static RingBuffer one(BufferMode mode) {
        return RingBuffer.create(1, 1, mode);
    }

    private static void write(RingBuffer r, int from, int to) {
        for (int i = from; i < to; i++) {
            r.write(EventLayout.KIND_FUNCTION, 0, 0, i, ~i, i * 3L, 0);
        }
    }

    private static long[] ips(List<TraceEvent> events) {
        return events.stream().mapToLong(TraceEvent::ip).toArray();
    }

    private static long[] range(int from, int to) {
        long[] a = new long[to - from];
        for (int i = from; i < to; i++) {
            a[i - from] = i;
        }
        return a;
    }

    @Test
    void overwriteKeepsTheNewestAndCountsOverruns() {
        RingBuffer r = one(BufferMode.OVERWRITE);
        assertEquals(16, r.capacity());
        write(r, 0, 40);
        RingBuffer.Snapshot s = r.snapshot();
        assertArrayEquals(range(24, 40), ips(s.events()));
        assertEquals(new BufferStats(0, 16, 40, 0, 24, 0), s.stats().get(0));
        TraceEvent e = s.events().get(0);
        assertEquals(24, e.position());
        assertEquals(~24L, e.parentIp());
        assertEquals(72, e.payload0());
        assertEquals(EventLayout.KIND_FUNCTION, e.kind());
        assertEquals(Thread.currentThread().getId(), e.tid());
        // trace does not consume: the same again
        assertArrayEquals(range(24, 40), ips(r.snapshot().events()));
    }

    @Test
    void dropKeepsTheOldestAndCountsLost() {
        RingBuffer r = one(BufferMode.DROP);
        write(r, 0, 40);
        RingBuffer.Snapshot s = r.snapshot();
        assertArrayEquals(range(0, 16), ips(s.events()));
        assertEquals(new BufferStats(0, 16, 16, 24, 0, 0), s.stats().get(0));
        // consuming makes room again
        assertArrayEquals(range(0, 10), ips(r.consume(10)));
        write(r, 100, 120);
        assertArrayEquals(concat(range(10, 16), range(100, 110)), ips(r.snapshot().events()));
        assertEquals(new BufferStats(0, 16, 26, 34, 0, 10), r.stats().get(0));
    }

    @Test
    void consumingAfterAWrapCountsWhatWasOverwrittenUnread() {
        RingBuffer r = one(BufferMode.OVERWRITE);
        write(r, 0, 10);
        assertArrayEquals(range(0, 4), ips(r.consume(4)));
        write(r, 10, 50); // positions 4..33 are overwritten before anyone read them
        assertEquals(new BufferStats(0, 16, 50, 0, 30, 4), r.stats().get(0));
        assertArrayEquals(range(34, 50), ips(r.consume(100)));
        BufferStats s = r.stats().get(0);
        assertEquals(new BufferStats(0, 0, 50, 0, 30, 20), s);
        assertEquals(s.written(), s.read() + s.overrun() + s.entries());
    }

    @Test
    void clearEmptiesAndZeroes() {
        RingBuffer r = RingBuffer.create(1, 4, BufferMode.OVERWRITE);
        write(r, 0, 30);
        r.clear();
        assertTrue(r.snapshot().events().isEmpty());
        assertEquals(new BufferStats(-1, 0, 0, 0, 0, 0), r.snapshot().total());
        write(r, 7, 8);
        List<TraceEvent> ev = r.snapshot().events();
        assertEquals(1, ev.size());
        assertEquals(0, ev.get(0).position());
    }

    @Test
    void recordingOffStoresAndCountsNothing() {
        RingBuffer r = one(BufferMode.OVERWRITE);
        r.setRecording(false);
        assertFalse(r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0));
        assertEquals(new BufferStats(-1, 0, 0, 0, 0, 0), r.snapshot().total());
        r.setRecording(true);
        assertTrue(r.write(EventLayout.KIND_FUNCTION, 0, 0, 1, 0, 0, 0));
        assertEquals(1, r.snapshot().total().written());
    }

    @Test
    void eventsOfSeveralBuffersAreMergedByTimestamp() throws InterruptedException {
        RingBuffer r = RingBuffer.create(1, 8, BufferMode.OVERWRITE);
        for (int i = 0; i < 40; i++) {
            final int ip = i;
            Thread t = new Thread(() -> r.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0, 0, 0), "w" + i);
            t.start();
            t.join(); // one after the other: ip order is time order
        }
        RingBuffer.Snapshot s = r.snapshot();
        assertArrayEquals(range(0, 40), ips(s.events()));
        assertTrue(s.events().stream().mapToInt(TraceEvent::buffer).distinct().count() > 1, "spread over buffers");
        for (TraceEvent e : s.events()) {
            assertEquals("w" + e.ip(), r.threadName(e.buffer(), e.tid()));
        }
    }

    @Test
    void depthAndFlagsRoundTrip() {
        RingBuffer r = one(BufferMode.OVERWRITE);
        r.write(EventLayout.KIND_FUNCTION, EventLayout.FLAG_PARENT_EXACT, 70_000, 5, 6, -1, Long.MIN_VALUE);
        TraceEvent e = r.snapshot().events().get(0);
        assertTrue(e.has(EventLayout.FLAG_PARENT_EXACT));
        assertEquals(EventLayout.MAX_DEPTH, e.depth());
        assertEquals(-1, e.payload0());
        assertEquals(Long.MIN_VALUE, e.payload1());
    }

    @Test
    void sizesAreRoundedUpToPowersOfTwo() {
        RingBuffer r = RingBuffer.create(3, 3, BufferMode.OVERWRITE);
        assertEquals(4, r.bufferSizeKb());
        assertEquals(64, r.capacity());
        assertEquals(4, r.buffers());
    }

    @Test
    void badSizesSayWhatToChange() {
        for (int kb : new int[] {0, -1, Integer.MIN_VALUE, RingBuffer.MAX_BUFFER_SIZE_KB + 1, Integer.MAX_VALUE}) {
            FtraceException e = assertThrows(FtraceException.class, () -> RingBuffer.create(kb, 1, BufferMode.DROP));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("buffer_size_kb " + kb + " is out of range: give 1 to"), e.getMessage());
        }
        FtraceException n = assertThrows(FtraceException.class, () -> RingBuffer.create(1, 0, BufferMode.DROP));
        assertTrue(n.getMessage().contains("number of buffers 0"), n.getMessage());
        // fits the range but not the heap: 1 GiB x 1024 buffers
        FtraceException h = assertThrows(FtraceException.class,
                () -> RingBuffer.create(RingBuffer.MAX_BUFFER_SIZE_KB, RingBuffer.MAX_BUFFERS, BufferMode.OVERWRITE));
        assertTrue(h.getMessage().contains("more than half the heap") && h.getMessage().contains("-Xmx"), h.getMessage());
        assertThrows(FtraceException.class, () -> RingBuffer.create(1, 1, null));
        assertThrows(FtraceException.class, () -> one(BufferMode.DROP).consume(0));
    }

    @Test
    void tracePipeWaitsThenWakesOnAWrite() throws Exception {
        RingBuffer r = one(BufferMode.OVERWRITE);
        TracePipe pipe = new TracePipe(r, 64);
        assertTrue(pipe.read(0, TimeUnit.MILLISECONDS).isEmpty(), "nothing written: no event, no wait");
        long[] got = new long[] {-1, 0};
        Thread reader = new Thread(() -> {
            try {
                List<TraceEvent> ev = pipe.read(30, TimeUnit.SECONDS);
                got[0] = ev.size() == 1 ? ev.get(0).ip() : -ev.size();
                got[1] = System.nanoTime();
            } catch (InterruptedException e) {
                got[0] = -100;
            }
        });
        reader.start();
        Thread.sleep(200);
        assertTrue(reader.isAlive(), "trace_pipe must block while the buffers are empty");
        long written = System.nanoTime();
        write(r, 42, 43);
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertEquals(42, got[0]);
        // bounded delay: far below the 30 s timeout (polls back off to 10 ms)
        assertTrue(got[1] - written < TimeUnit.SECONDS.toNanos(5), "woke " + (got[1] - written) + " ns after the write");
        assertTrue(r.snapshot().events().isEmpty(), "consumed");
    }

    @Test
    void tracePipeReportsLossesOnce() {
        RingBuffer r = one(BufferMode.OVERWRITE);
        TracePipe pipe = new TracePipe(r, 8);
        write(r, 0, 20);
        List<long[]> l = pipe.losses();
        assertEquals(1, l.size());
        assertArrayEquals(new long[] {0, 4}, l.get(0));
        assertTrue(pipe.losses().isEmpty());
    }

    @Test
    void aBlockedPipeReaderIsInterruptible() throws Exception {
        TracePipe pipe = new TracePipe(one(BufferMode.OVERWRITE), 8);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> pipe.read(10, TimeUnit.SECONDS));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
