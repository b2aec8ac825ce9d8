package org.jftrace.tracers.trigger;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

    /**
     * {@return a target with tracing_on only (traceon and traceoff; stacktrace and snapshot are
     * refused), for a tracer without a ring buffer such as the profiler}
     */
    static TriggerTarget tracingOnOnly(String name, BooleanSupplier isOn, Consumer<Boolean> setOn) {
        return of(name, isOn, setOn, () -> null, null);
    }

    /**
     * {@return the target of a tracer with a ring buffer: its tracing_on, the ring stack traces go to
     * (read at each use: a resize replaces it) and, unless {@code takeSnapshot} is null, its snapshot}
     */
    static TriggerTarget of(String name, BooleanSupplier isOn, Consumer<Boolean> setOn, Supplier<RingBuffer> ring,
                            Runnable takeSnapshot) {
        return new TriggerTarget() {
            @Override
            public String tracerName() {
                return name;
            }

            @Override
            public boolean isTracingOn() {
                return isOn.getAsBoolean();
            }

            @Override
            public void setTracingOn(boolean on) {
                setOn.accept(on); // boxes a Boolean, which is cached: no allocation
            }

            @Override
            public RingBuffer traceRing() {
                return ring.get();
            }

            @Override
            public boolean hasSnapshot() {
                return takeSnapshot != null;
            }

            @Override
            public void takeSnapshot() {
                if (takeSnapshot == null) {
                    throw new UnsupportedOperationException(name + " has no snapshot");
                }
                takeSnapshot.run();
            }
        };
    }
}
