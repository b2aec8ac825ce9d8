package org.jftrace.bench.macro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * One run of the macro benchmark's workload, in the JVM being measured: the JDK's compiler compiles
 * a real library's sources in-process, after the row's hooks are in place. Prints one line,
 * {@code MACRO row=... compile_ms=... cpu_ms=... calls=... digest=...}, which {@link MacroBench} reads.
 * {@code cpu_ms} is the compiling thread's CPU time: on a shared machine it moves far less than wall
 * time when other processes take the cores.
 *
 * <p>{@code CompileWorkload ROW SRC_DIR OUT_DIR}, ROW one of {@code untraced}, {@code limit} (run
 * with {@code -javaagent:benchmarks.jar=jdk.compiler}), {@code safe} and {@code guarded} (jftrace
 * agent; a counting ops with and without RECURSION_SAFE on {@code *:mod:jdk.compiler}), {@code limitExits}
 * ({@code -javaagent:benchmarks.jar=jdk.compiler,exits}: the hand-written entry and exit hook),
 * {@code all} (jftrace; a counting ops, default flags, on every method of the JVM), {@code exits}
 * (an exit-hook ops counting on jdk.compiler), {@code function} and {@code graph} (the function and
 * function_graph tracers on every method of the JVM: {@code calls} is then the events written).
 */
public final class CompileWorkload {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private CompileWorkload() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CompileWorkload untraced|limit|limitExits|limitExitsBig|safe|guarded|all|exits|function|functionCoarse|graph|profiler SRC_DIR OUT_DIR");
            System.exit(2);
        }
        String row = args[0];
        Path src = Path.of(args[1]);
        Path out = Path.of(args[2]);
        List<Path> sources = sources(src);

        long t0 = System.nanoTime();
        TracerRows tracer = switch (row) {
            case "function" -> TracerRows.function(org.jftrace.tracers.ring.TraceClock.MONO);
            case "functionCoarse" -> TracerRows.function(org.jftrace.tracers.ring.TraceClock.UPTIME);
            case "graph" -> TracerRows.graph();
            case "profiler" -> TracerRows.profiler();
            default -> null;
        };
        CountingOps ops = tracer != null ? null : switch (row) {
            case "untraced", "limit", "limitExits", "limitExitsBig" -> null;
            case "safe" -> CountingOps.register("*:mod:jdk.compiler", true);
            case "guarded" -> CountingOps.register("*:mod:jdk.compiler", false);
            case "all" -> CountingOps.register(null, false);
            case "exits" -> CountingOps.registerExits("*:mod:jdk.compiler");
            default -> throw new IllegalArgumentException("unknown row " + row
                    + ": use untraced, limit, safe, guarded, all, exits, function, functionCoarse, graph or profiler");
        };
        long registered = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long proc0 = processCpu();

        boolean ok = compile(sources, out);
        long compiled = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long proc = processCpu() - proc0;

        long calls = tracer != null ? tracer.events() : ops != null ? CountingOps.n : row.startsWith("limit") ? limitCalls(row) : 0;
        int hooked = tracer != null ? tracer.hooked() : ops != null ? ops.hooked() : -1;
        String profile = tracer != null ? tracer.profile() : null;
        long t1 = System.nanoTime();
        if (ops != null) {
            ops.unregister();
        }
        if (tracer != null) {
            tracer.stop();
        }
        long unregistered = System.nanoTime();
        System.out.printf(Locale.ROOT,
                "MACRO row=%s ok=%s files=%d register_ms=%.1f compile_ms=%.1f cpu_ms=%.1f process_cpu_ms=%.1f"
                + " unregister_ms=%.1f calls=%d hooked=%d digest=%s%n",
                row, ok, sources.size(), (registered - t0) / 1e6, (compiled - registered) / 1e6, cpu / 1e6, proc / 1e6,
                (unregistered - t1) / 1e6, calls, hooked, digest(out));
        if (profile != null) {
            System.out.println("PROFILE " + profile);
        }
    }

    static List<Path> sources(Path src) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    static boolean compile(List<Path> sources, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", out.toString(), "-proc:none", "-nowarn", "-Xlint:none",
                    "-encoding", "UTF-8", "-XDsuppressNotes");
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                diagnostics.getDiagnostics().stream().limit(5).forEach(d -> System.err.println(d));
            }
            return ok;
        }
    }

    /** CPU time of the whole process (JIT compiler and GC threads too), in ns. */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The limit agent's entry counter, in the boot loader; with exits, checked against its exit counter. */
    private static long limitCalls(String row) throws ReflectiveOperationException {
        Class<?> counter = Class.forName("org.jftrace.bench.macro.boot.LimitCounter", true, null);
        long n = counter.getField("n").getLong(null);
        long exits = counter.getField("exits").getLong(null);
        if (row.startsWith("limitExits") ? exits < n * 99 / 100 : exits != 0) {
            // a few entries may still be open (the compile's own frames): they exit after the count
            throw new IllegalStateException("limit row " + row + ": " + n + " entries, " + exits + " exits");
        }
        return n;
    }

    /** SHA-256 of every class file produced, by relative path: the compiler's output must not change. */
    static String digest(Path out) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> classes = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(p -> p.toString().endsWith(".class")).sorted().forEach(classes::add);
        }
        for (Path p : classes) {
            md.update(out.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                md.update(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classes.size() + ":" + HexFormat.of().formatHex(md.digest(), 0, 8);
    }
}
