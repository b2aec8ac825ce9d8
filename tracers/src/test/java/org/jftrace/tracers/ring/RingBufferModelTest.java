package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: for random sequences of write, consume, snapshot and clear on one buffer of random
 * size and mode, the buffer shows exactly what a plain queue model shows (events and every
 * count). Seeded, so a failure names the seed that reproduces it.
 */
class RingBufferModelTest {

    static long[] seeds() {
        long[] s = new long[400];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0x5EEDL * 31 + i;
        }
        return s;
    }

    /** The model: unread events in a deque and the counts, the kernel's rules written plainly. */
    private static final class Model {
        final int capacity;
        final boolean drop;
        final ArrayDeque<Long> unread = new ArrayDeque<>();
        long written, lost, overrun, read;

        Model(int capacity, boolean drop) {
            this.capacity = capacity;
            this.drop = drop;
        }

        void write(long ip) {
            if (unread.size() == capacity) {
                if (drop) {
                    lost++;
                    return;
                }
                unread.removeFirst();
                overrun++;
            }
            unread.addLast(ip);
            written++;
        }

        void consume(int max) {
            for (int i = 0; i < max && !unread.isEmpty(); i++) {
                unread.removeFirst();
                read++;
            }
        }

        void clear() {
            unread.clear();
            written = lost = overrun = read = 0;
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void behavesAsTheQueueModel(long seed) {
        Random rnd = new Random(seed);
        int kb = 1 << rnd.nextInt(3); // 16, 32 or 64 records
        BufferMode mode = rnd.nextBoolean() ? BufferMode.DROP : BufferMode.OVERWRITE;
        RingBuffer ring = RingBuffer.create(kb, 1, mode);
        Model model = new Model(ring.capacity(), mode == BufferMode.DROP);
        long ip = 1;
        for (int step = 0; step < 200; step++) {
            int op = rnd.nextInt(20);
            String where = "seed " + seed + " step " + step + " " + mode + " capacity " + ring.capacity();
            if (op < 12) {
                int n = 1 + rnd.nextInt(ring.capacity() * 2);
                for (int i = 0; i < n; i++, ip++) {
                    boolean ok = ring.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0, 0, 0);
                    long before = model.written;
                    model.write(ip);
                    assertEquals(model.written != before, ok, where);
                }
            } else if (op < 16) {
                int max = 1 + rnd.nextInt(ring.capacity() * 2);
                List<TraceEvent> got = ring.consume(max);
                ArrayDeque<Long> expect = new ArrayDeque<>(model.unread);
                int before = model.unread.size();
                model.consume(max);
                assertEquals(Math.min(max, before), got.size(), where);
                for (TraceEvent e : got) {
                    assertEquals(expect.removeFirst(), e.ip(), where);
                }
            } else if (op < 19) {
                List<TraceEvent> got = ring.snapshot().events();
                assertEquals(List.copyOf(model.unread), got.stream().map(TraceEvent::ip).toList(), where);
            } else {
                ring.clear();
                model.clear();
            }
            BufferStats s = ring.stats().get(0);
            assertEquals(new BufferStats(0, model.unread.size(), model.written, model.lost, model.overrun, model.read), s, where);
        }
    }
}
