package org.jftrace.tracers.ring;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A program with very many virtual threads does not get a buffer each: 200,000 virtual threads
 * write through the same #P buffers, every event counted (JDK 21+; skipped on 17).
 */
class VirtualThreadsTest {
    private static final int THREADS = 200_000;
    private static final int EVENTS_EACH = 3;

    @Test
    void manyVirtualThreadsShareTheFixedBuffers() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+ (this is " + Runtime.version() + ")");
        RingBuffer ring = RingBuffer.create(64, 8, BufferMode.OVERWRITE); // 1,024 records x 8 buffers
        // By reflection: the module compiles for Java 17, which has no virtual threads.
        ExecutorService ex = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            for (int i = 0; i < THREADS; i++) {
                final long ip = i;
                ex.execute(() -> {
                    for (int k = 0; k < EVENTS_EACH; k++) {
                        ring.write(EventLayout.KIND_FUNCTION, 0, k, ip, 0, 0, 0);
                        Thread.yield(); // unmount between writes: another virtual thread runs on the carrier
                    }
                });
            }
            ex.shutdown();
            assertTrue(ex.awaitTermination(5, TimeUnit.MINUTES));
        } finally {
            ex.shutdownNow();
        }
        assertEquals(8, ring.buffers(), "the buffers are fixed at creation, whatever the thread count");
        RingBuffer.Snapshot s = ring.snapshot();
        assertEquals(8, s.stats().size());
        BufferStats total = s.total();
        assertEquals((long) THREADS * EVENTS_EACH, total.written() + total.lost(), "every write counted");
        assertEquals(total.written(), total.overrun() + total.entries());
        Set<Long> tids = new HashSet<>();
        Set<Integer> buffers = new HashSet<>();
        for (TraceEvent e : s.events()) {
            tids.add(e.tid());
            buffers.add(e.buffer());
        }
        assertTrue(buffers.size() <= 8);
        // the events left come from thousands of distinct virtual threads, in those few buffers
        assertTrue(tids.size() > 1_000, "distinct writers among the events left: " + tids.size());
        assertEquals(8 * 1024, s.events().size(), "every buffer full of the newest records");
    }
}
