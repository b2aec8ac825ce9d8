package org.jftrace.tracers.ring;

/** What a full buffer does with a new event: the kernel's {@code overwrite} trace option. */
public enum BufferMode {
    /** The oldest unread event is overwritten and counted as an overrun (the kernel's default, {@code overwrite=1}). */
    OVERWRITE,
    /** The new event is dropped and counted as lost ({@code overwrite=0}): the oldest events survive. */
    DROP
}
