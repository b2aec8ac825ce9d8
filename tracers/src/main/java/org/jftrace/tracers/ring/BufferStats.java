package org.jftrace.tracers.ring;

/**
 * The counts of one buffer, or of all of them: the kernel's {@code per_cpu/cpuN/stats}. Since the
 * last clear, {@code written == read + overrun + entries}, exactly, for a buffer no writer is
 * writing to; {@code lost} events never entered the buffer.
 *
 * @param buffer  the buffer's number, or -1 for the total
 * @param entries events in the buffer now, readable ({@code entries-in-buffer})
 * @param written events committed to the buffer ({@code entries-written})
 * @param lost    events not written: dropped by a full buffer in drop mode, or by a writer that
 *                found every buffer busy (the kernel's {@code dropped events})
 * @param overrun events overwritten before anyone consumed them (overwrite mode), or found
 *                overwritten under a reader
 * @param read    events consumed by {@code trace_pipe}
 */
public record BufferStats(int buffer, long entries, long written, long lost, long overrun, long read) {

    /** {@return the sum of {@code stats}, as buffer -1} */
    public static BufferStats total(Iterable<BufferStats> stats) {
        long e = 0, w = 0, l = 0, o = 0, r = 0;
        for (BufferStats s : stats) {
            e += s.entries;
            w += s.written;
            l += s.lost;
            o += s.overrun;
            r += s.read;
        }
        return new BufferStats(-1, e, w, l, o, r);
    }
}
