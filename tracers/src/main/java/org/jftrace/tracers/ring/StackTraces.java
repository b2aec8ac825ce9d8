package org.jftrace.tracers.ring;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The stack traces of a ring's {@link EventLayout#KIND_STACK} records: a record is 64 bytes, a
 * stack is not, so the frames go here and the record carries their id (the kernel stores them in
 * the ring as a variable-length event). A fixed ring of {@value #SLOTS} stacks: the oldest is
 * replaced, and a record whose stack was replaced prints as lost. Capturing a stack allocates
 * anyway (a stack walk); this store adds one small object per stack.
 */
public final class StackTraces {
    /** Stacks kept per ring buffer. */
    public static final int SLOTS = 1024;
    /** Frames kept per stack (the kernel's FTRACE_STACK_ENTRIES is 32 per event, more with nesting). */
    public static final int MAX_FRAMES = 64;

    private record Entry(long id, List<String> frames) {
    }

    private final AtomicLong next = new AtomicLong(1);
    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** {@return the id under which {@code frames} (innermost first) is kept from now on} */
    public long put(List<String> frames) {
        long id = next.getAndIncrement();
        slots.set((int) (id & (SLOTS - 1)), new Entry(id, List.copyOf(frames)));
        return id;
    }

    /** {@return the frames of stack {@code id}, innermost first, or null if replaced since} */
    public List<String> get(long id) {
        Entry e = slots.get((int) (id & (SLOTS - 1)));
        return e != null && e.id == id ? e.frames : null;
    }
}
