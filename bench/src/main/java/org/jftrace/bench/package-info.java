/**
 * jftrace's JMH benchmarks: what a hook costs per call, and what enabling a filter costs.
 *
 * <p>A row of the per-call table is one {@code @State} class named {@code ...Row} with one
 * {@code @Benchmark} method (the row's name), plus, for a method of its own, one {@code Target...}
 * class with the common {@code compute(int, int)} body. Its {@code @Setup(Level.Trial)} installs
 * the hook and must throw unless the hook really fires ({@link org.jftrace.bench.Hooking}); its
 * {@code @TearDown(Level.Trial)} removes it. {@link org.jftrace.bench.RunBenchmarks} runs every
 * {@code *Row} class it finds and compares each row with {@code noHook} (or {@code bootNoHook}
 * for rows named {@code boot...}) and with {@code limit}. Peer rows (Byte Buddy advice, JFR
 * method tracing, ...) are added the same way.
 *
 * <p>The forks run with {@code -javaagent:} the jftrace agent; the jftrace API comes from the
 * agent jar, not from the benchmarks jar.
 */
package org.jftrace.bench;
