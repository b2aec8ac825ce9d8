package org.jftrace.internal.bytecode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A timing tool, not a test: how long the first register's per-class work takes in a fresh JVM,
 * where it runs cold (interpreted, then C1), and once compiled. Times one of {@code scan} (the
 * structure walk), {@code scanAsm} (ASM's visit of every instruction, the walk's reference) or
 * {@code splice} (the plain entry hook on every method) over the first 1,600 class files of
 * {@code java.base} and of {@code jdk.compiler}: the first pass, then 5 more. Run each in its own
 * JVM (BENCHMARKS.md, "The first register: the scan"):
 *
 * <pre>{@code mvn -q -o -B test-compile -pl core -am
 * java -cp core/target/classes:core/target/test-classes:$HOME/.m2/repository/org/ow2/asm/asm/9.9/asm-9.9.jar \
 *     org.jftrace.internal.bytecode.ColdPassTime scan}</pre>
 */
public final class ColdPassTime {
    private ColdPassTime() {
    }

    public static void main(String[] args) throws IOException {
        String what = args.length == 1 ? args[0] : "";
        if (!List.of("scan", "scanAsm", "splice").contains(what)) {
            System.err.println("usage: ColdPassTime scan|scanAsm|splice");
            System.exit(2);
        }
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<byte[]> classes = new ArrayList<>();
        for (String module : List.of("java.base", "jdk.compiler")) {
            try (Stream<Path> s = Files.walk(jrt.getPath("/modules", module))) {
                for (Path p : s.filter(p -> p.toString().endsWith(".class")).sorted().limit(1600)
                        .collect(Collectors.toList())) {
                    classes.add(Files.readAllBytes(p));
                }
            }
        }
        List<Map<String, Long>> ips = new ArrayList<>();
        List<Map<String, String>> entries = new ArrayList<>();
        if (what.equals("splice")) { // the plans, made with the reference scan before the clock starts
            long ip = 1L << 20;
            for (byte[] b : classes) {
                Map<String, Long> i = new HashMap<>();
                Map<String, String> e = new HashMap<>();
                for (ClassScanner.ScannedMethod m : ClassScanner.scanWithAsm(b).methods) {
                    if (m.hasCode) {
                        i.put(m.name + m.descriptor, ip++);
                        e.put(m.name + m.descriptor, "org/jftrace/internal/boot/Entry$1");
                    }
                }
                ips.add(i);
                entries.add(e);
            }
        }
        long bytes = classes.stream().mapToLong(b -> b.length).sum();
        for (int pass = 0; pass < 6; pass++) {
            long start = System.nanoTime();
            long n = 0;
            for (int k = 0; k < classes.size(); k++) {
                switch (what) {
                    case "scan" -> n += ClassScanner.scan(classes.get(k)).methods.size();
                    case "scanAsm" -> n += ClassScanner.scanWithAsm(classes.get(k)).methods.size();
                    default -> n += EntrySplicer.splice(classes.get(k), ips.get(k), entries.get(k)) == null ? 0 : 1;
                }
            }
            System.out.printf(Locale.ROOT, "COLDPASS what=%s pass=%d classes=%d kib=%d ms=%.0f n=%d jdk=%d%n", what, pass,
                    classes.size(), bytes / 1024, (System.nanoTime() - start) / 1e6, n, Runtime.version().feature());
        }
    }
}
