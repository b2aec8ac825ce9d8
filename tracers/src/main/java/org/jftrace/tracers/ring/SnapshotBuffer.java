package org.jftrace.tracers.ring;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's snapshot buffer ({@code echo 1 > snapshot}, or a {@code snapshot} trigger): a copy
 * of a ring's events and counts at one moment, with the frames of its stack trace records (which
 * the ring's own {@link StackTraces} may replace later). The kernel swaps buffers; a JVM ring is
 * copied (allocation, under the ring's read lock; writers never wait for it).
 *
 * @param events the events, in timestamp order
 * @param stats  each buffer's counts at the copy
 * @param stacks frames of the stack records, by id
 */
public record SnapshotBuffer(List<TraceEvent> events, List<BufferStats> stats, Map<Long, List<String>> stacks) {
    /** {@return a copy of what {@code ring} holds now} */
    public static SnapshotBuffer take(RingBuffer ring) {
        RingBuffer.Snapshot s = ring.snapshot();
        Map<Long, List<String>> stacks = new HashMap<>();
        for (TraceEvent e : s.events()) {
            if (e.kind() == EventLayout.KIND_STACK) {
                List<String> f = ring.stacks().get(e.payload0());
                if (f != null) {
                    stacks.put(e.payload0(), f);
                }
            }
        }
        return new SnapshotBuffer(List.copyOf(s.events()), List.copyOf(s.stats()), Map.copyOf(stacks));
    }

    /** {@return the {@code snapshot} file of tracer {@code tracer} when no copy was taken (the kernel's words)} */
    public static String freed(String tracer) {
        return "# tracer: " + tracer + "\n#\n# * Snapshot is freed *: no snapshot taken (takeSnapshot(), or a snapshot trigger)\n";
    }

    /** {@return the frames of stack {@code id}, or null if not kept} */
    public List<String> stack(long id) {
        return stacks.get(id);
    }
}
