package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 8 writer threads and a concurrent trace_pipe reader (plus snapshot readers): no torn record is
 * ever returned, nothing is returned twice or that was not written, and read + overrun + entries
 * equals written for every buffer; in drop mode each thread gets back exactly the events its
 * writes reported as written; in overwrite mode what is left is each buffer's newest records.
 */
class ConcurrentRingBufferTest {
    private static final int WRITERS = 8;
    private static final int PER_WRITER = 200_000;

    /** A record whose words all derive from (writer, seq): a torn copy breaks the relation. */
    private static boolean consistent(TraceEvent e) {
        long w = e.payload1();
        long seq = e.payload0();
        return e.ip() == (w << 32 | seq) && e.parentIp() == ~(w * 1_000_003L + seq) && e.depth() == (int) (seq & 0xFFFF)
                && e.flags() == (int) (w & 0xFF);
    }

    @ParameterizedTest
    @EnumSource(BufferMode.class)
    void writersAndAConcurrentReader(BufferMode mode) throws Exception {
        // small buffers (64 records) and fewer buffers than writers: wraps, drops and claim contention all happen
        RingBuffer ring = RingBuffer.create(4, 4, mode);
        BitSet[] writtenOk = new BitSet[WRITERS];
        long[] okCount = new long[WRITERS];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            final int id = w;
            writtenOk[w] = new BitSet(PER_WRITER);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int seq = 0; seq < PER_WRITER; seq++) {
                    if (ring.write(EventLayout.KIND_FUNCTION, id & 0xFF, seq & 0xFFFF, (long) id << 32 | seq,
                            ~(id * 1_000_003L + seq), seq, id)) {
                        writtenOk[id].set(seq);
                        okCount[id]++;
                    }
                }
            }, "writer-" + w);
            writers.add(t);
            t.start();
        }
        BitSet[] seen = new BitSet[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
            seen[w] = new BitSet(PER_WRITER);
        }
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = new ArrayList<>();
        long[] pipeRead = new long[1];
        Thread reader = new Thread(() -> {
            TracePipe pipe = new TracePipe(ring, 1024);
            try {
                while (true) {
                    boolean last = done.get(); // read the flag before draining: the final drain sees every write
                    List<TraceEvent> got = pipe.read(5, TimeUnit.MILLISECONDS);
                    for (TraceEvent e : got) {
                        check(e, seen, problems);
                    }
                    pipeRead[0] += got.size();
                    if (last && got.isEmpty()) {
                        return;
                    }
                    if (pipeRead[0] % 7 == 0) {
                        for (TraceEvent e : ring.snapshot().events()) {
                            if (!consistent(e)) {
                                problems.add("torn record in trace: " + e);
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                problems.add("interrupted");
            }
        }, "trace_pipe");
        reader.start();
        start.countDown();
        for (Thread t : writers) {
            t.join();
        }
        done.set(true);
        reader.join(60_000);
        assertFalse(reader.isAlive());
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));

        List<BufferStats> stats = ring.stats();
        BufferStats total = BufferStats.total(stats);
        for (BufferStats s : stats) {
            assertEquals(s.written(), s.read() + s.overrun() + s.entries(), "buffer " + s);
            assertEquals(0, s.entries(), "drained");
        }
        long ok = 0;
        for (long c : okCount) {
            ok += c;
        }
        assertEquals((long) WRITERS * PER_WRITER, total.written() + total.lost(), "every write counted once");
        assertEquals(ok, total.written());
        assertEquals(pipeRead[0], total.read());
        for (int w = 0; w < WRITERS; w++) {
            BitSet extra = (BitSet) seen[w].clone();
            extra.andNot(writtenOk[w]);
            assertTrue(extra.isEmpty(), "writer " + w + " read events it never wrote: " + extra.cardinality());
            if (mode == BufferMode.DROP) {
                assertEquals(writtenOk[w], seen[w], "drop mode: writer " + w + " reads back exactly what it wrote");
            }
        }
        if (mode == BufferMode.DROP) {
            assertEquals(0, total.overrun());
        } else {
            assertTrue(total.overrun() > 0, "a 64-record buffer under 8 writers wraps");
        }
    }

    private static void check(TraceEvent e, BitSet[] seen, List<String> problems) {
        if (!consistent(e)) {
            problems.add("torn record: " + e);
            return;
        }
        int w = (int) e.payload1();
        int seq = (int) e.payload0();
        if (seen[w].get(seq)) {
            problems.add("read twice: " + e);
        }
        seen[w].set(seq);
    }

    @ParameterizedTest
    @EnumSource(value = BufferMode.class, names = "OVERWRITE")
    void overwriteLeavesEachBuffersNewestRecords(BufferMode mode) throws Exception {
        RingBuffer ring = RingBuffer.create(1, 2, mode);
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            final int id = w;
            Thread t = new Thread(() -> {
                for (int seq = 0; seq < 50_000; seq++) {
                    ring.write(EventLayout.KIND_FUNCTION, id & 0xFF, seq & 0xFFFF, (long) id << 32 | seq,
                            ~(id * 1_000_003L + seq), seq, id);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        RingBuffer.Snapshot s = ring.snapshot();
        Map<Integer, List<Long>> positions = new HashMap<>();
        for (TraceEvent e : s.events()) {
            assertTrue(consistent(e), e::toString);
            positions.computeIfAbsent(e.buffer(), b -> new ArrayList<>()).add(e.position());
        }
        for (BufferStats b : s.stats()) {
            List<Long> p = positions.getOrDefault(b.buffer(), List.of());
            long from = b.written() - Math.min(b.written(), ring.capacity());
            assertEquals(b.written() - from, p.size(), "buffer " + b.buffer() + " keeps its newest records");
            for (int i = 0; i < p.size(); i++) {
                assertEquals(from + i, p.get(i));
            }
        }
    }
}
