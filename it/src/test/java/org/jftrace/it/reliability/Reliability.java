package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jftrace.it.ForkedJvm;

/**
 * Shared by the reliability suite (RELIABILITY.md): how long a run lasts, where the real programs
 * are, and the figures each scenario reports.
 *
 * <p>Each scenario ends in one line {@code RELIABILITY <scenario> key=value ... failures=N}, printed
 * by the test on standard output with {@code jdk=N} added and appended to
 * {@code it/target/reliability/figures.txt}: RELIABILITY.md's figures are copied from there.
 *
 * <p>Run length: {@code -Djftrace.reliability.seconds=N} sets the time-bounded scenarios (churn) to N
 * seconds (10 in CI); {@code -Djftrace.reliability.long=true} runs the longer variants of the
 * other scenarios (the whole commons-lang3 tree compiled traced, more leak cycles, more inputs).
 */
public final class Reliability {
    private Reliability() {
    }

    /** {@return the time bound of time-bounded scenarios, in seconds} */
    public static int seconds(int ciDefault) {
        return Integer.getInteger("jftrace.reliability.seconds", ciDefault);
    }

    /** {@return whether the longer, on-demand variants run} */
    public static boolean longRun() {
        return Boolean.getBoolean("jftrace.reliability.long") || Integer.getInteger("jftrace.reliability.seconds", 0) >= 60;
    }

    /** {@return {@code ci}, or {@code full} for a long run} */
    public static int scale(int ci, int full) {
        return longRun() ? full : ci;
    }

    /** {@return it/target/reliability, where the build put the real programs} */
    public static Path dir() {
        return Path.of(System.getProperty("jftrace.reliability.dir", "target/reliability")).toAbsolutePath();
    }

    /** {@return the fields of the {@code RELIABILITY scenario ...} line that {@code jvm} printed}, recorded */
    public static Map<String, String> result(ForkedJvm jvm, String scenario) {
        String prefix = "RELIABILITY " + scenario + " ";
        String line = jvm.lines().stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "':\n" + jvm.output()));
        record(line);
        return parse(line.substring(prefix.length()));
    }

    /** {@return key=value pairs of {@code s}} */
    public static Map<String, String> parse(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : s.trim().split(" +")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    /** Records a scenario's figures: {@code RELIABILITY scenario k=v ...}. */
    public static void record(String scenario, Map<String, ?> figures) {
        StringBuilder sb = new StringBuilder("RELIABILITY ").append(scenario);
        figures.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        record(sb.toString());
    }

    private static synchronized void record(String line) {
        String l = line + " jdk=" + Runtime.version().feature();
        System.out.println(l);
        try {
            Path f = dir().resolve("figures.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, l + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(cannot append to figures.txt: " + e + ")");
        }
    }

    /** Asserts that each of {@code keys} is "0" in {@code r}. */
    public static void assertZero(Map<String, String> r, String context, String... keys) {
        for (String k : keys) {
            assertEquals("0", r.get(k), k + " must be 0: " + r + "\n" + context);
        }
    }

    /** Lines of {@code jvm} that show something went wrong in the program or in jftrace. */
    public static List<String> troubles(ForkedJvm jvm, List<String> allowed) {
        return jvm.lines().stream()
                .filter(l -> l.contains("VerifyError") || l.contains("LinkageError") || l.startsWith("Exception in thread")
                        || l.contains("ClassCircularityError") || l.contains("NoClassDefFoundError")
                        || l.contains("BootstrapMethodError") || l.contains("IncompatibleClassChangeError")
                        || l.contains("ExceptionInInitializerError") || l.startsWith("[jftrace]"))
                .filter(l -> allowed.stream().noneMatch(l::contains))
                .toList();
    }
}
