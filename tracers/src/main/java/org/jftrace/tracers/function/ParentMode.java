package org.jftrace.tracers.function;

/** What the function tracer records as an event's parent ({@code <-parent}). */
public enum ParentMode {
    /** No parent ({@code <-?}): the cheapest, one ops callback per call. */
    NONE,
    /**
     * The exact caller, by a stack walk per call (the ops' {@code PARENT_IP}; microseconds a call).
     * Printed {@code <-caller}.
     */
    EXACT,
    /**
     * The nearest traced frame: the innermost traced call still open on the thread, kept by exit
     * hooks (the kernel's graph return stack). It is the caller when the caller is traced, else an
     * ancestor. Printed {@code <-~frame}; {@code <-~??} when no traced call was open.
     */
    NEAREST
}
