package org.jftrace.bench.macro;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * The time to start and stop tracing a whole JVM (issue 13's register target): the JDK's compiler
 * compiles the macro workload's sources once, untraced, so that the JVM holds 3,200 (JDK 17) to
 * 3,570 (JDK 25) loaded classes, 2,200 to 2,900 of them with methods to hook; then, {@code ROUNDS} times, a counting ops with no filter (every method of the JVM,
 * default flags) is registered and unregistered. Each round prints the loaded classes, the methods
 * hooked, and, for register and unregister, the wall time, the registering thread's CPU time, the
 * whole process's (JIT and VM threads too) and the MB the registering thread allocated; the last
 * lines are the medians. Timing starts once the JIT has worked off the untraced compile's backlog,
 * as on a program that has been running. The heap of such a program has been touched by its
 * collections, this one's not: {@code -XX:+AlwaysPreTouch} measures without the page faults of a
 * first touch. With a third argument {@code exits}, the ops is an exit-hook ops ({@code FgraphOps}:
 * an entry that asks for every exit, a counting return handler), as function_graph and the profiler
 * register. With {@code xml}, the program that runs first is {@link XmlWorkload} instead of the
 * compiler: a JVM of about 2,000 loaded classes, the size issue 13's target names.
 *
 * <p>With {@code -javaagent:bench/target/benchmarks.jar=floor} as well, each round also times the
 * floor: the classes the register changed, retransformed with no ops registered (so to their own
 * bytes), in one call, as jftrace's register does. That is what the JVM alone charges any tracer
 * that hooks by retransformation (parsing, verifying, merging the constant pools, swapping the
 * classes at a safepoint), the limit against which the register's own work is read.
 *
 * <pre>{@code java -javaagent:agent/target/jftrace-agent.jar -cp bench/target/benchmarks.jar \
 *     org.jftrace.bench.macro.RegisterTime bench/target/macro-src 5}</pre>
 */
public final class RegisterTime {
    static long n;

    private RegisterTime() {
    }

    /**
     * {@return the wall time, the calling thread's CPU time and the process's CPU time of {@code work},
     * in ms, and the bytes the calling thread allocated, in MB (the class files the JVM hands the
     * transformer included): on a heap not touched yet, every MB is also page faults}
     */
    private static double[] timed(ThreadMXBean threads, Runnable work) {
        long w = System.nanoTime();
        long c = threads.getCurrentThreadCpuTime();
        long p = CompileWorkload.processCpu();
        long a = allocated(threads);
        work.run();
        return new double[] {(System.nanoTime() - w) / 1e6, (threads.getCurrentThreadCpuTime() - c) / 1e6,
            (CompileWorkload.processCpu() - p) / 1e6, (allocated(threads) - a) / 1048576.0};
    }

    private static long allocated(ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean
                ? ((com.sun.management.ThreadMXBean) threads).getCurrentThreadAllocatedBytes() : 0;
    }

    /**
     * Waits until the JIT has compiled what the untraced compile queued (total compilation time
     * still for 1 s, at most 60 s): a register on a running program does not share the second core
     * with a backlog of the workload's own compilations, so neither does the one timed here.
     * {@return how long it waited, in ms}
     */
    private static long settleJit() throws InterruptedException {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return 0;
        }
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() - start < 60_000_000_000L) {
            Thread.sleep(1000);
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                break;
            }
            last = now;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * {@return the loaded classes that hold a method of {@code enabled}: the classes a register
     * retransformed} A name defined by several loaders counts each: a register changes every one.
     */
    private static Class<?>[] hookedClasses(java.lang.instrument.Instrumentation inst,
                                            List<org.jftrace.EnabledFunction> enabled) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (org.jftrace.EnabledFunction f : enabled) {
            names.add(f.function().className());
        }
        List<Class<?>> ks = new ArrayList<>();
        for (Class<?> k : inst.getAllLoadedClasses()) {
            if (names.contains(k.getName()) && inst.isModifiableClass(k)) {
                ks.add(k);
            }
        }
        return ks.toArray(new Class<?>[0]);
    }

    /**
     * What the JVM alone charges for the first retransformation of the loaded classes, against the
     * second: every modifiable class (not jftrace's, not hidden) retransformed unchanged, twice, before
     * round 0 (which then finds them retransformed once already). The difference is the JVM's first
     * time per class (a class file made from the class's metadata, constant pools copied), which a
     * first register pays on top of what later ones pay.
     */
    private static void firstFloor(java.lang.instrument.Instrumentation inst) throws Exception {
        if (inst == null) {
            throw new IllegalStateException("firstfloor needs -javaagent:bench/target/benchmarks.jar=floor");
        }
        List<Class<?>> all = new ArrayList<>();
        for (Class<?> k : inst.getAllLoadedClasses()) {
            if (inst.isModifiableClass(k) && !k.isArray() && !k.isHidden() && !k.getName().startsWith("org.jftrace.")) {
                all.add(k);
            }
        }
        Class<?>[] ks = all.toArray(new Class<?>[0]);
        long t = System.nanoTime();
        inst.retransformClasses(ks);
        long first = System.nanoTime() - t;
        t = System.nanoTime();
        inst.retransformClasses(ks);
        long again = System.nanoTime() - t;
        System.out.printf(Locale.ROOT, "REGISTER firstfloor classes=%d first_ms=%.0f again_ms=%.0f%n", ks.length,
                first / 1e6, again / 1e6);
    }

    public static void main(String[] args) throws Exception {
        List<String> options = args.length < 2 ? List.of() : List.of(args).subList(2, args.length);
        if (args.length < 2 || !List.of("exits", "xml", "firstfloor").containsAll(options)) {
            System.err.println("usage: RegisterTime SRC_DIR ROUNDS [exits] [xml] [firstfloor] (run with "
                    + "-javaagent:jftrace-agent.jar; firstfloor also needs -javaagent:benchmarks.jar=floor)");
            System.exit(2);
        }
        boolean exits = options.contains("exits");
        boolean xml = options.contains("xml");
        Path out = Files.createTempDirectory("jftrace-register-");
        try {
            if (xml) {
                XmlWorkload.run(CompileWorkload.sources(Path.of(args[0])));
            } else if (!CompileWorkload.compile(CompileWorkload.sources(Path.of(args[0])), out)) {
                throw new IllegalStateException("the untraced compile failed");
            }
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(out)) {
                s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
        long settled = settleJit();
        int rounds = Integer.parseInt(args[1]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int loaded = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        double[][] m = new double[10][rounds];
        java.lang.instrument.Instrumentation inst = LimitAgent.floor;
        Class<?>[] changed = null;
        if (options.contains("firstfloor")) {
            firstFloor(inst);
        }
        for (int r = 0; r < rounds; r++) {
            FtraceOps entryOps = FtraceOps.builder((ip, parentIp, op, regs) -> n++).name("register-time-" + r).build();
            FgraphOps exitOps = FgraphOps.builder((ip, parentIp, depth, g) -> 0L,
                    (ip, data, depth, exit, value, bits, g) -> n++).name("register-time-exits-" + r).build();
            double[] reg = timed(threads, () -> {
                if (exits) {
                    Ftrace.registerFgraph(exitOps);
                } else {
                    Ftrace.registerFtraceFunction(entryOps);
                }
            });
            java.util.List<org.jftrace.EnabledFunction> enabled = Ftrace.enabledFunctions();
            int hooked = enabled.size();
            if (inst != null && changed == null) {
                changed = hookedClasses(inst, enabled);
                if (changed.length < 1000) {
                    throw new IllegalStateException("the floor found only " + changed.length + " loaded classes of "
                            + hooked + " hooked methods");
                }
            }
            double[] unreg = timed(threads, () -> {
                if (exits) {
                    Ftrace.unregisterFgraph(exitOps);
                } else {
                    Ftrace.unregisterFtraceFunction(entryOps);
                }
            });
            if (hooked < 1000 || !Ftrace.enabledFunctions().isEmpty()) {
                throw new IllegalStateException("round " + r + ": " + hooked + " methods hooked, "
                        + Ftrace.enabledFunctions().size() + " left after unregister");
            }
            double[] floor = {0, 0, 0, 0};
            if (changed != null) {
                Class<?>[] ks = changed;
                floor = timed(threads, () -> {
                    try {
                        inst.retransformClasses(ks);
                    } catch (java.lang.instrument.UnmodifiableClassException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            double[] row = {reg[0], reg[1], reg[2], unreg[0], unreg[1], unreg[2], reg[3], unreg[3], floor[0], floor[1]};
            for (int k = 0; k < row.length; k++) {
                m[k][r] = row[k];
            }
            System.out.printf(Locale.ROOT, "REGISTER round=%d loaded=%d hooked=%d register_ms=%.0f register_thread_cpu_ms=%.0f"
                    + " register_process_cpu_ms=%.0f unregister_ms=%.0f unregister_thread_cpu_ms=%.0f"
                    + " unregister_process_cpu_ms=%.0f register_alloc_mb=%.0f unregister_alloc_mb=%.0f"
                    + (changed == null ? "%n" : " floor_classes=" + changed.length + " floor_ms=%.0f floor_thread_cpu_ms=%.0f%n"),
                    r, loaded, hooked, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9]);
        }
        List<String> names = List.of("register_ms", "register_thread_cpu_ms", "register_process_cpu_ms", "unregister_ms",
                "unregister_thread_cpu_ms", "unregister_process_cpu_ms", "register_alloc_mb", "unregister_alloc_mb",
                "floor_ms", "floor_thread_cpu_ms");
        List<String> medians = new ArrayList<>();
        for (int k = 0; k < (changed == null ? 8 : names.size()); k++) {
            double[] v = m[k].clone();
            Arrays.sort(v);
            medians.add(String.format(Locale.ROOT, "%s=%.0f", names.get(k), v.length % 2 == 1 ? v[v.length / 2]
                    : (v[v.length / 2 - 1] + v[v.length / 2]) / 2));
        }
        System.out.println("REGISTER median rounds=" + rounds + (exits ? " ops=exits" : " ops=entry") + (xml ? " workload=xml" : " workload=javac") + " loaded=" + loaded
                + (changed == null ? "" : " floor_classes=" + changed.length) + " " + String.join(" ", medians)
                + " jdk=" + Runtime.version().feature() + " jit_settled_ms=" + settled);
    }
}
