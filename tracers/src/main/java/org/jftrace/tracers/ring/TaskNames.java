package org.jftrace.tracers.ring;

/**
 * Where a trace's thread names come from: the ring's saved_cmdlines ({@link RingBuffer#threadName})
 * in a traced JVM, a fixed table in a golden-file test.
 */
@FunctionalInterface
public interface TaskNames {
    /** {@return the name {@code tid} had when it wrote to {@code buffer}, or null if unknown} */
    String name(int buffer, long tid);
}
