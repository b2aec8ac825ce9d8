package org.jftrace.tracers.ring;

/**
 * One event as read from a buffer: the words of its record (see {@link EventLayout}), copied.
 * Made by readers only; writers never allocate one.
 *
 * @param buffer    the buffer it was written to (the JVM's CPU column)
 * @param position  its position in that buffer (records written there before it, since the last clear)
 * @param timestamp trace_clock nanoseconds (mono: {@link System#nanoTime()})
 * @param tid       the writing thread's id
 * @param ip        the traced method's ip
 * @param parentIp  the caller's call site ip, or 0 (unknown)
 * @param kind      {@link EventLayout#KIND_FUNCTION}, ...
 * @param flags     {@link EventLayout#FLAG_PARENT_EXACT}, ...
 * @param depth     nesting depth, 0 when the tracer keeps none
 * @param payload0  tracer-defined
 * @param payload1  tracer-defined
 */
public record TraceEvent(int buffer, long position, long timestamp, long tid, long ip, long parentIp,
                         int kind, int flags, int depth, long payload0, long payload1) {

    /** {@return whether {@code flag} is set} */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
