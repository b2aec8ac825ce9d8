/**
 * jftrace's JMH benchmarks: what a hook costs per call, and what enabling a filter costs.
 *
 * <p>A row of the per-call table is declared in one place. A hook row (the same method,
 * {@link org.jftrace.bench.Target#compute}, with other hooks on it) is a constant of
 * {@link org.jftrace.bench.Variant}: its section (place and baseline in the table), its targets, and
 * its set-up, which installs the hooks and must throw unless they really act
 * ({@link org.jftrace.bench.Hooking}). {@link org.jftrace.bench.HookRow} measures every constant, each in
 * forks of its own ({@code @Param variant}). A row whose measured call differs (a hand-written
 * prologue, a JDK method, a recursive method, a direct call, a fork without jftrace) is a class of
 * its own with one {@code @Benchmark} method named as the row, plus one constant of
 * {@link org.jftrace.bench.SoloRow}. {@link org.jftrace.bench.RunBenchmarks} runs the catalogue
 * ({@link org.jftrace.bench.RowSpec#catalog()}) and prints it in that order.
 *
 * <p>The forks run with {@code -javaagent:} the jftrace agent (peer rows without it); the jftrace
 * API comes from the agent jar, not from the benchmarks jar.
 */
package org.jftrace.bench;
