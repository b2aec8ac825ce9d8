package org.jftrace.bench.macro;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * The time to start and stop tracing a whole JVM (issue 13's register target): the JDK's compiler
 * compiles the macro workload's sources once, untraced, so that the JVM holds about 2,000 loaded
 * classes; then, {@code ROUNDS} times, a counting ops with no filter (every method of the JVM,
 * default flags) is registered and unregistered. Each round prints the loaded classes, the methods
 * hooked, and, for register and unregister, the wall time, the registering thread's CPU time and the
 * whole process's (JIT and VM threads too); the last lines are the medians.
 *
 * <pre>{@code java -javaagent:agent/target/jftrace-agent.jar -cp bench/target/benchmarks.jar \
 *     org.jftrace.bench.macro.RegisterTime bench/target/macro-src 5}</pre>
 */
public final class RegisterTime {
    static long n;

    private RegisterTime() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: RegisterTime SRC_DIR ROUNDS (run with -javaagent:jftrace-agent.jar)");
            System.exit(2);
        }
        Path out = Files.createTempDirectory("jftrace-register-");
        try {
            if (!CompileWorkload.compile(CompileWorkload.sources(Path.of(args[0])), out)) {
                throw new IllegalStateException("the untraced compile failed");
            }
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(out)) {
                s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
        int rounds = Integer.parseInt(args[1]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int loaded = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        double[][] m = new double[6][rounds];
        for (int r = 0; r < rounds; r++) {
            FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> n++).name("register-time-" + r).build();
            long w0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            long p0 = CompileWorkload.processCpu();
            Ftrace.registerFtraceFunction(ops);
            long w1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            long p1 = CompileWorkload.processCpu();
            int hooked = Ftrace.enabledFunctions().size();
            long w2 = System.nanoTime();
            long c2 = threads.getCurrentThreadCpuTime();
            long p2 = CompileWorkload.processCpu();
            Ftrace.unregisterFtraceFunction(ops);
            long w3 = System.nanoTime();
            long c3 = threads.getCurrentThreadCpuTime();
            long p3 = CompileWorkload.processCpu();
            if (hooked < 1000 || !Ftrace.enabledFunctions().isEmpty()) {
                throw new IllegalStateException("round " + r + ": " + hooked + " methods hooked, "
                        + Ftrace.enabledFunctions().size() + " left after unregister");
            }
            double[] row = {(w1 - w0) / 1e6, (c1 - c0) / 1e6, (p1 - p0) / 1e6, (w3 - w2) / 1e6, (c3 - c2) / 1e6,
                (p3 - p2) / 1e6};
            for (int k = 0; k < row.length; k++) {
                m[k][r] = row[k];
            }
            System.out.printf(Locale.ROOT, "REGISTER round=%d loaded=%d hooked=%d register_ms=%.0f register_thread_cpu_ms=%.0f"
                    + " register_process_cpu_ms=%.0f unregister_ms=%.0f unregister_thread_cpu_ms=%.0f"
                    + " unregister_process_cpu_ms=%.0f%n", r, loaded, hooked, row[0], row[1], row[2], row[3], row[4], row[5]);
        }
        List<String> names = List.of("register_ms", "register_thread_cpu_ms", "register_process_cpu_ms", "unregister_ms",
                "unregister_thread_cpu_ms", "unregister_process_cpu_ms");
        List<String> medians = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            double[] v = m[k].clone();
            Arrays.sort(v);
            medians.add(String.format(Locale.ROOT, "%s=%.0f", names.get(k), v.length % 2 == 1 ? v[v.length / 2]
                    : (v[v.length / 2 - 1] + v[v.length / 2]) / 2));
        }
        System.out.println("REGISTER median rounds=" + rounds + " loaded=" + loaded + " " + String.join(" ", medians)
                + " jdk=" + Runtime.version().feature());
    }
}
