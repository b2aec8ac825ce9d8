package org.jftrace.tracers.trigger;

import org.jftrace.tracers.ring.RingBuffer;

/**
 * What a trigger acts on: a tracer's {@code tracing_on}, its ring (for stack traces) and its
 * {@code snapshot}. The tracers implement it privately and hand it to their {@link Triggers}.
 */
public interface TriggerTarget {
    /** {@return the tracer's name, for messages} */
    String tracerName();

    /** {@return tracing_on} */
    boolean isTracingOn();

    /** Sets tracing_on. */
    void setTracingOn(boolean on);

    /** {@return the ring stack trace records go to now, or null for a tracer without one (stacktrace is refused)} */
    RingBuffer traceRing();

    /** {@return whether {@link #takeSnapshot()} works (snapshot is refused otherwise)} */
    boolean hasSnapshot();

    /** Copies the buffers aside as the {@code snapshot} file; may allocate (it copies). */
    void takeSnapshot();
}
