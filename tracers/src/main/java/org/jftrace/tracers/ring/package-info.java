/**
 * The trace ring buffer (the kernel's {@code kernel/trace/ring_buffer.c}, rebuilt for the JVM).
 *
 * <p>Who writes and who reads:
 * <ul>
 * <li>Writers are the traced program's threads, inside a tracer's callback. A thread writes to the
 *     buffer its id hashes to, holding that buffer's claim (one compare-and-set) for one record;
 *     a busy buffer sends it to the next. Writers take no lock, never wait, allocate nothing.</li>
 * <li>Readers ({@code trace}: {@link org.jftrace.tracers.ring.RingBuffer#snapshot()},
 *     {@code trace_pipe}: {@link org.jftrace.tracers.ring.TracePipe}) serialise among themselves on
 *     the ring's read lock and never block a writer: each record carries its position as a sequence
 *     number, checked before and after the copy, so a record overwritten under a reader is skipped
 *     and counted, never returned torn.</li>
 * </ul>
 * The binary record is drawn in {@link org.jftrace.tracers.ring.EventLayout}.
 */
package org.jftrace.tracers.ring;
