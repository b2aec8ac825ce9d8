package org.jftrace.tracers.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The consuming, blocking reader of a {@link RingBuffer}: the kernel's {@code trace_pipe}. Each
 * event is returned once, then gone from the buffer; {@link #read} waits while there is none.
 *
 * <p>Writers never signal (a wake-up per event would cost every writer): the pipe polls, sleeping
 * from {@value #MIN_WAIT_MICROS} us up to {@value #MAX_WAIT_MILLIS} ms while the buffers stay empty,
 * so an event written while it waits is returned within about {@value #MAX_WAIT_MILLIS} ms.
 *
 * <p>Not for concurrent use by several threads (the kernel's trace_pipe has one reader too);
 * two pipes on one ring share its events, each getting some.
 */
public final class TracePipe {
    static final long MIN_WAIT_MICROS = 50;
    static final long MAX_WAIT_MILLIS = 10;

    private final RingBuffer ring;
    private final int batch;
    /** Per buffer, lost + overrun when {@link #losses()} last looked. */
    private final long[] seenLoss;

    /**
     * @param ring  the ring to consume, not {@code null}
     * @param batch the most events to take from each buffer per read, at least 1
     */
    public TracePipe(RingBuffer ring, int batch) {
        this.ring = ring;
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + ": give at least 1");
        }
        this.batch = batch;
        this.seenLoss = new long[ring.buffers()];
    }

    /**
     * {@return the next events, in timestamp order, waiting up to {@code timeout} for one; empty
     * if none came} A timeout of 0 does not wait.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public List<TraceEvent> read(long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        long wait = TimeUnit.MICROSECONDS.toNanos(MIN_WAIT_MICROS);
        while (true) {
            List<TraceEvent> events = ring.consume(batch);
            if (!events.isEmpty()) {
                return events;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return events;
            }
            LockSupport.parkNanos(this, Math.min(wait, left));
            if (Thread.interrupted()) {
                throw new InterruptedException("trace_pipe read interrupted");
            }
            wait = Math.min(wait * 2, TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS));
        }
    }

    /**
     * {@return the events each buffer lost (dropped or overwritten unread) since the last call, as
     * (buffer, count) pairs with a count above 0: the kernel's {@code CPU:N [LOST M EVENTS]}}
     */
    public List<long[]> losses() {
        List<long[]> out = new ArrayList<>();
        for (BufferStats s : ring.stats()) {
            long loss = s.lost() + s.overrun();
            long fresh = loss - seenLoss[s.buffer()];
            seenLoss[s.buffer()] = loss;
            if (fresh > 0) {
                out.add(new long[] {s.buffer(), fresh});
            }
        }
        return out;
    }

    /** {@return the ring this pipe consumes} */
    public RingBuffer ring() {
        return ring;
    }
}
