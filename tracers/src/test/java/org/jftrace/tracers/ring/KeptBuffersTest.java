package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/**
 * Kept buffers: a thread keeps its home buffer while it lives and writes there with no claim; the
 * others write elsewhere; at most half the buffers are kept; a reader frees those of ended keepers;
 * a clear while a keeper writes keeps the counts exact.
 */
class KeptBuffersTest {

    @SuppressWarnings("deprecation") // threadId() is JDK 19+
    private static long id(Thread t) {
        return t.getId();
    }

    private static void write(RingBuffer r, long ip) {
        assertTrue(r.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0, 0, 0));
    }

    /** {@return a thread (not started) whose home buffer in {@code r} is {@code home}} */
    private static Thread withHome(RingBuffer r, int home, Runnable body) {
        while (true) {
            Thread t = new Thread(body);
            if (r.homeBuffer(id(t)) == home) {
                return t;
            }
        }
    }

    @Test
    void aThreadKeepsItsHomeBufferAndAnotherWithTheSameHomeWritesElsewhere() throws Exception {
        RingBuffer r = RingBuffer.create(4, 4, BufferMode.OVERWRITE);
        Thread me = Thread.currentThread();
        int home = r.homeBuffer(id(me));
        write(r, 1);
        assertSame(me, r.keeper(home), "the first writer keeps its home buffer");
        write(r, 2);
        Thread other = withHome(r, home, () -> write(r, 3));
        other.start();
        other.join();
        List<TraceEvent> ev = r.snapshot().events();
        assertEquals(3, ev.size());
        for (TraceEvent e : ev) {
            if (e.ip() == 3) {
                assertNotEquals(home, e.buffer(), "the other thread's event went to another buffer");
            } else {
                assertEquals(home, e.buffer(), "the keeper's events are in its buffer");
            }
        }
        assertSame(me, r.keeper(home), "still kept: its keeper lives");
    }

    @Test
    void atMostHalfTheBuffersAreKeptAndEveryThreadStillWrites() throws Exception {
        RingBuffer r = RingBuffer.create(4, 8, BufferMode.DROP);
        int threads = 16;
        CountDownLatch wrote = new CountDownLatch(threads);
        CountDownLatch end = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            final long ip = 100 + i;
            Thread t = new Thread(() -> {
                for (int k = 0; k < 10; k++) {
                    write(r, ip);
                }
                wrote.countDown();
                try {
                    end.await(); // alive while the counts are taken
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            all.add(t);
        }
        wrote.await();
        int kept = 0;
        for (int b = 0; b < r.buffers(); b++) {
            kept += r.keeper(b) != null ? 1 : 0;
        }
        assertTrue(kept >= 1 && kept <= 4, "kept buffers: " + kept + " of 8");
        assertEquals(threads * 10, r.snapshot().total().written(), "nothing lost");
        write(r, 999); // this thread too
        end.countDown();
        for (Thread t : all) {
            t.join();
        }
    }

    @Test
    void aReaderFreesTheBufferOfAKeeperThatEnded() throws Exception {
        RingBuffer r = RingBuffer.create(4, 4, BufferMode.OVERWRITE);
        Thread first = new Thread(() -> write(r, 1));
        int home = r.homeBuffer(id(first));
        first.start();
        first.join();
        assertSame(first, r.keeper(home));
        assertEquals(1, r.snapshot().events().size(), "what it wrote stays readable");
        assertNull(r.keeper(home), "the snapshot freed the ended keeper's buffer");
        Thread next = withHome(r, home, () -> write(r, 2));
        next.start();
        next.join();
        assertSame(next, r.keeper(home), "and another thread keeps it");
        List<TraceEvent> ev = r.snapshot().events();
        assertEquals(2, ev.size());
        assertEquals(home, ev.get(1).buffer());
    }

    @Test
    void aWriterTakesOverTheBufferOfAKeeperThatEndedWithNoReader() throws Exception {
        RingBuffer r = RingBuffer.create(4, 4, BufferMode.OVERWRITE);
        Thread first = new Thread(() -> write(r, 1));
        int home = r.homeBuffer(id(first));
        first.start();
        first.join();
        assertSame(first, r.keeper(home));
        Thread next = withHome(r, home, () -> {
            write(r, 2);
            write(r, 3);
        });
        next.start();
        next.join();
        assertSame(next, r.keeper(home), "the next thread with that home kept it, no reader between");
        List<TraceEvent> ev = r.snapshot().events();
        assertEquals(List.of(1L, 2L, 3L), ev.stream().map(TraceEvent::ip).toList());
        for (TraceEvent e : ev) {
            assertEquals(home, e.buffer(), "all in the home buffer, in order");
        }
        assertEquals(3, r.stats().get(home).written());
    }

    /** A keeper writes on while the reader clears again and again: the counts stay exact. */
    @Test
    void clearingWhileAKeeperWritesKeepsTheCountsExact() throws Exception {
        RingBuffer r = RingBuffer.create(4, 4, BufferMode.OVERWRITE);
        int n = 2_000_000;
        int tail = 100; // written after the clears stop
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cleared = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < n; i++) {
                write(r, i);
            }
            try {
                cleared.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = n; i < n + tail; i++) {
                write(r, i);
            }
        });
        int home = r.homeBuffer(id(writer));
        writer.start();
        started.await();
        int clears = 0;
        while (clears < 5 || writer.getState() == Thread.State.RUNNABLE) {
            if (writer.getState() == Thread.State.WAITING) {
                break;
            }
            r.clear();
            clears++;
            BufferStats s = r.stats().get(home);
            assertEquals(s.written(), s.read() + s.overrun() + s.entries(), "after clear " + clears + ": " + s);
            assertEquals(0, s.lost());
        }
        cleared.countDown();
        writer.join();
        BufferStats s = r.stats().get(home);
        assertEquals(s.written(), s.read() + s.overrun() + s.entries(), s.toString());
        assertTrue(s.written() >= tail && s.written() <= n + tail, s.toString());
        List<TraceEvent> ev = r.snapshot().events();
        assertEquals(Math.min(s.written(), r.capacity()), ev.size(), "the newest records since the last clear");
        long last = n + tail - 1;
        assertEquals(last, ev.get(ev.size() - 1).ip());
        for (int i = 1; i < ev.size(); i++) {
            assertEquals(ev.get(i - 1).ip() + 1, ev.get(i).ip(), "in order, none missing");
            assertEquals(ev.get(i - 1).position() + 1, ev.get(i).position());
        }
        r.clear();
        assertTrue(r.snapshot().events().isEmpty());
        assertTrue(clears > 1, "cleared while it wrote: " + clears);
    }
}
