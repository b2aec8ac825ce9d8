/**
 * The function_graph tracer (the kernel's {@code kernel/trace/trace_functions_graph.c}) on
 * {@link org.jftrace.FgraphOps}.
 *
 * <p>Who writes and who reads:
 * <ul>
 * <li>Writers are the traced threads, in the exit-hook handlers ({@code GraphHandlers}): an entry
 *     record, whose timestamp is the call's data, and an exit record carrying it; a thread inside a
 *     set_graph_function or set_graph_notrace function holds a slot of a {@link
 *     org.jftrace.tracers.graph.PerThreadSlots} table, which only it writes; the first exit by an
 *     exception class takes a slot of {@link org.jftrace.tracers.graph.ExceptionClassIds}
 *     (compare-and-set, never changed after).</li>
 * <li>Readers ({@link org.jftrace.tracers.graph.GraphTracer#trace()}) take a snapshot of the ring
 *     and print it ({@link org.jftrace.tracers.graph.GraphTraceFormat}), grouping records by thread
 *     id: the ring is striped, not per thread.</li>
 * </ul>
 */
package org.jftrace.tracers.graph;
