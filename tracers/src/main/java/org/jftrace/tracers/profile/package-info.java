/**
 * The function profiler ({@code function_profile_enabled}, {@code trace_stat/function}) on
 * {@link org.jftrace.FgraphOps}.
 *
 * <p>Who writes and who reads: the profiled threads write, in the exit hook's return handler, to
 * the stripe their id hashes to (or the next free one), holding its claim for one update; readers
 * ({@code stat}, {@code reset}) take each stripe's claim in turn, so a reader sees whole updates
 * and a writer never waits (it moves to the next stripe). Under graph-time off, each thread also
 * keeps its completed self time in a slot of a {@link org.jftrace.tracers.graph.PerThreadSlots}
 * table that only it writes.
 */
package org.jftrace.tracers.profile;
