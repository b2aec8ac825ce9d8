package org.jftrace.bench.tracers;

import java.util.concurrent.TimeUnit;

import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of writing one event into the tracers' ring buffer (what the function tracer's callback
 * does per call), beside the clock read every write contains. No agent, no hook: the buffer alone.
 *
 * <ul>
 * <li>{@code clock}: {@code System.nanoTime()} alone (trace_clock=mono);</li>
 * <li>{@code write}: one thread, 8 buffers of 1 MB, overwrite mode (the steady state wraps);</li>
 * <li>{@code writeSmallBuffer}: as {@code write} into 16 KB buffers (256 records, in L1/L2): the
 *     difference is what a record costs in cache misses when the buffer is larger than the caches;</li>
 * <li>{@code write4Threads}: 4 threads on those 8 buffers (each its home buffer, mostly);</li>
 * <li>{@code write4ThreadsOneBuffer}: 4 threads on one buffer: every write contends for its claim,
 *     and a writer that finds it busy loses the event (counted): the worst case of striping.</li>
 * </ul>
 * Run with {@code -prof gc}: every row must show 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RingBufferWriteBench {
    private RingBuffer ring;
    private RingBuffer single;
    private RingBuffer small;
    private long ip = 1L << 20;

    @Setup(Level.Trial)
    public void setUp() {
        ring = RingBuffer.create(1024, 8, BufferMode.OVERWRITE);
        single = RingBuffer.create(1024, 1, BufferMode.OVERWRITE);
        small = RingBuffer.create(16, 8, BufferMode.OVERWRITE);
    }

    @Benchmark
    public long clock() {
        return System.nanoTime();
    }

    @Benchmark
    public boolean write() {
        return ring.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0L, 0L, 0L);
    }

    @Benchmark
    public boolean writeSmallBuffer() {
        return small.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0L, 0L, 0L);
    }

    @Benchmark
    @Threads(4)
    public void write4Threads(Outcome o) {
        o.count(ring.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0L, 0L, 0L));
    }

    @Benchmark
    @Threads(4)
    public void write4ThreadsOneBuffer(Outcome o) {
        o.count(single.write(EventLayout.KIND_FUNCTION, 0, 0, ip, 0L, 0L, 0L));
    }

    /** Per thread: how many writes stored their event and how many lost it (all buffers busy). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcome {
        public long written;
        public long lost;

        void count(boolean ok) {
            if (ok) {
                written++;
            } else {
                lost++;
            }
        }
    }
}
