package org.jftrace.bench.macro;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * Classes loading while an ops is registered (issue 13: "classes loading meanwhile not held up"):
 * a fresh JVM loads, without initialising them, every class of four JDK modules it has not loaded
 * yet ({@value #MODULES}, about 7,500 classes, boot, platform and application loaders), with
 * <ul>
 * <li>{@code untraced}: no ops;</li>
 * <li>{@code pending}: a counting ops (default flags) on pending patterns for those modules'
 *     packages: each class is hooked as it loads, and none of its code runs;</li>
 * <li>{@code all}: a counting ops on every method of the JVM: the classes are hooked as they load
 *     and the JDK's loading code runs hooked too.</li>
 * </ul>
 * Prints the classes loaded, the methods hooked at the end, and the loading's wall time, CPU time
 * and MB allocated by the loading thread (what the transform allocates included). One JVM per
 * row: the JVM's first load of a class is what is measured.
 *
 * <pre>{@code java -javaagent:agent/target/jftrace-agent.jar -cp bench/target/benchmarks.jar \
 *     org.jftrace.bench.macro.LoadTime all}</pre>
 */
public final class LoadTime {
    static final String MODULES = "java.desktop, jdk.compiler, java.sql, jdk.jshell";
    private static final String[] PACKAGES = {"java.awt.*", "javax.swing.*", "sun.awt.*", "sun.swing.*", "sun.java2d.*",
        "com.sun.tools.javac.*", "java.sql.*", "javax.sql.*", "jdk.jshell.*"};
    static long n;

    private LoadTime() {
    }

    public static void main(String[] args) throws IOException {
        String row = args.length > 0 ? args[0] : "all";
        List<String> names = classNames();
        FtraceOps ops = null;
        if (!row.equals("untraced")) {
            FtraceOps.Builder b = FtraceOps.builder((ip, parentIp, op, regs) -> n++).name("loadtime-" + row);
            if (row.equals("pending")) {
                b.filterPending(PACKAGES);
            } else if (!row.equals("all")) {
                throw new IllegalArgumentException("row " + row + ": untraced, pending or all");
            }
            ops = b.build();
            Ftrace.registerFtraceFunction(ops);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        @SuppressWarnings("deprecation") // threadId() is JDK 19+
        long tid = Thread.currentThread().getId();
        long a = threads.getThreadAllocatedBytes(tid);
        long c = threads.getCurrentThreadCpuTime();
        long w = System.nanoTime();
        int loaded = 0;
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // a class of a module not resolved in this JVM's boot layer
            }
        }
        double wall = (System.nanoTime() - w) / 1e6;
        double cpu = (threads.getCurrentThreadCpuTime() - c) / 1e6;
        double mb = (threads.getThreadAllocatedBytes(tid) - a) / 1048576.0;
        int hooked = ops == null ? 0 : Ftrace.enabledFunctions().size();
        if (ops != null) {
            Ftrace.unregisterFtraceFunction(ops);
        }
        System.out.println(String.format(Locale.ROOT, "LOADTIME row=%s classes=%d hooked=%d load_ms=%.0f load_cpu_ms=%.0f "
                + "load_alloc_mb=%.0f jdk=%s", row, loaded, hooked, wall, cpu, mb, Runtime.version().feature()));
    }

    /** {@return the binary names of the classes of {@link #MODULES}, from the runtime image} */
    private static List<String> classNames() throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<String> names = new ArrayList<>();
        for (String module : MODULES.split(", ")) {
            Path root = jrt.getPath("/modules/" + module);
            try (Stream<Path> files = Files.walk(root)) {
                files.map(p -> root.relativize(p).toString())
                        .filter(f -> f.endsWith(".class") && !f.endsWith("module-info.class"))
                        .forEach(f -> names.add(f.substring(0, f.length() - ".class".length()).replace('/', '.')));
            }
        }
        names.sort(null);
        return names;
    }
}
