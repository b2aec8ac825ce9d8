package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability, trace everything on real programs (issue 12; SPEC 3.1 and 3.12): one ops with an
 * empty filter hooks every traceable method of the JVM, classes loaded later included, with full
 * bytecode verification of every class ({@code -Xverify:all}: BytecodeVerificationLocal and Remote,
 * read back by the target), while programs jftrace did not write run: the JDK's compiler compiling
 * commons-lang3 3.12.0's source tree, and Gson 2.10.1 serialising and parsing. Each runs untraced
 * and traced; the results must be identical (digest of the class files produced; digest of every
 * JSON text and equal round trips), with no VerifyError or other linkage error, no callback error,
 * no callback after unregister, nothing hooked afterwards, within a time bound (a deadlock fails).
 *
 * <p>CI compiles the first {@value #CI_FILES} files of the tree (javac compiles what they use from
 * the source path too) and maps {@value #CI_ORDERS} orders; {@code -Djftrace.reliability.long=true}
 * compiles the whole tree and maps 20,000.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RealProgramsTest {
    static final int CI_FILES = 10;
    static final int CI_ORDERS = 1_000;

    /** Full verification of every class, boot classes included (accepted by JDK 17 and 25 alike). */
    static List<String> verifyAll() {
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-Xverify:all");
    }

    @Test
    void javacCompilesCommonsLang3WithEverythingTraced(@TempDir Path tmp) throws Exception {
        Path src = Reliability.dir().resolve("commons-lang3-3.12.0-src");
        assertTrue(Files.isDirectory(src.resolve("org/apache/commons/lang3")),
                "the build unpacks commons-lang3's sources into " + src + " (maven-dependency-plugin, it/pom.xml)");
        String arg = src + ":" + Reliability.scale(CI_FILES, 0);
        compare("javac", arg, tmp, List.of(), List.of("ok", "errors", "sources", "classFiles", "digest"));
    }

    @Test
    void gsonSerialisesAndParsesWithEverythingTraced(@TempDir Path tmp) throws Exception {
        int orders = Reliability.scale(CI_ORDERS, 20_000);
        Map<String, String> traced = gson(tmp, orders, "trace");
        assertEquals(Integer.toString(orders), traced.get("roundTripsEqual"), traced.toString());
        assertEquals(Integer.toString(orders), traced.get("treesEqual"), traced.toString());
    }

    @Test
    void gsonSerialisesAndParsesWithExitHooksOnEverything(@TempDir Path tmp) throws Exception {
        int orders = Reliability.scale(CI_ORDERS, 20_000);
        Map<String, String> traced = gson(tmp, orders, "exits");
        assertEquals(Integer.toString(orders), traced.get("roundTripsEqual"), traced.toString());
        long entries = Long.parseLong(traced.get("mainEntries"));
        assertTrue(entries > 100_000, traced.toString());
        assertEquals(entries, Long.parseLong(traced.get("mainExits")),
                "every call the main thread made exited once, with its entry's data: " + traced);
    }

    /**
     * The function_graph tracer on every method (issue 12: "the same with function_graph on
     * everything"): gson's results identical, its trace renders, with exits, and nothing is written
     * after stop returned.
     */
    @Test
    void gsonSerialisesAndParsesWithFunctionGraphOnEverything(@TempDir Path tmp) throws Exception {
        int orders = Reliability.scale(CI_ORDERS, 20_000);
        Map<String, String> traced = gson(tmp, orders, "graph");
        assertEquals(Integer.toString(orders), traced.get("roundTripsEqual"), traced.toString());
        assertTrue(Long.parseLong(traced.get("traceLines")) > 1000, traced.toString());
        assertTrue(Long.parseLong(traced.get("traceExits")) > 100, "the trace shows exits: " + traced);
    }

    /** gson's round trips of {@code orders} orders, untraced and traced ({@code mode} as for {@link #compare}), compared. */
    private static Map<String, String> gson(Path tmp, int orders, String mode) throws Exception {
        Path gson = Reliability.dir().resolve("lib/gson.jar");
        assertTrue(Files.isRegularFile(gson), "the build copies gson 2.10.1 to " + gson + " (it/pom.xml)");
        return compare("gson", Integer.toString(orders), tmp, List.of(gson),
                List.of("orders", "roundTripsEqual", "treesEqual", "jsonChars", "digest"), mode);
    }

    private static Map<String, String> compare(String workload, String arg, Path tmp, List<Path> cp, List<String> same)
            throws Exception {
        return compare(workload, arg, tmp, cp, same, "trace");
    }

    /**
     * Runs {@code workload} untraced and traced under full verification; asserts that the
     * {@code same} fields are equal and everything else holds; records the figures.
     */
    private static Map<String, String> compare(String workload, String arg, Path tmp, List<Path> cp, List<String> same,
                                               String mode) throws Exception {
        Map<String, String> plain = run("plain", workload, arg, tmp, cp);
        Map<String, String> traced = run(mode, workload, arg, tmp, cp);
        for (String k : same) {
            assertEquals(plain.get(k), traced.get(k), "'" + k + "' differs with everything traced: plain " + plain
                    + ", traced " + traced);
        }
        if (workload.equals("javac")) {
            assertEquals("true", traced.get("ok"), traced.toString());
            assertEquals("0", traced.get("errors"), traced.toString());
            assertTrue(Integer.parseInt(traced.get("classFiles")) > 20, traced.toString());
        }
        int atRegister = Integer.parseInt(traced.get("hookedAtRegister"));
        int atEnd = Integer.parseInt(traced.get("hookedAtEnd"));
        assertTrue(atRegister > 1000, "hooked methods at register: " + traced);
        assertTrue(atEnd > atRegister, "classes the program loaded later were hooked too: " + traced);
        assertEquals("0", traced.get("hookedAfter"), traced.toString());
        assertTrue(Long.parseLong(traced.get("callbacks")) > 100_000, traced.toString());
        Reliability.assertZero(traced, "", "late", "callbackErrors");
        long plainMs = Math.max(1, Long.parseLong(plain.get("workMs")));
        long tracedMs = Long.parseLong(traced.get("workMs"));
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("workload", workload + (workload.equals("javac") ? "-sources=" + traced.get("sources")
                + "-classFiles=" + traced.get("classFiles") : "-orders=" + traced.get("orders")));
        fig.put("hookedMethods", atEnd);
        fig.put("callbacks", traced.get("callbacks"));
        fig.put("plainMs", plainMs);
        fig.put("tracedMs", tracedMs);
        fig.put("slowdown", String.format(java.util.Locale.ROOT, "%.1fx", tracedMs / (double) plainMs));
        fig.put("registerMs", traced.get("registerMs"));
        fig.put("unregisterMs", traced.get("unregisterMs"));
        fig.put("identical", "true");
        fig.put("late", traced.get("late"));
        fig.put("failures", 0);
        if (traced.containsKey("traceLines")) {
            fig.put("traceLines", traced.get("traceLines"));
            fig.put("traceExits", traced.get("traceExits"));
        }
        if (traced.containsKey("exits")) {
            fig.put("exits", traced.get("exits"));
            fig.put("mainEntries", traced.get("mainEntries"));
            fig.put("mainExits", traced.get("mainExits"));
        }
        Reliability.record("trace-everything-" + workload + (mode.equals("trace") ? "" : "-" + mode), fig);
        return traced;
    }

    private static Map<String, String> run(String mode, String workload, String arg, Path tmp, List<Path> cp)
            throws Exception {
        boolean trace = !mode.equals("plain");
        List<String> jvmArgs = new ArrayList<>(verifyAll());
        if (trace) {
            jvmArgs.add("-javaagent:" + ForkedJvm.agentJar());
        }
        try (ForkedJvm jvm = ForkedJvm.startWithClassPath(jvmArgs, cp, RealProgramsTarget.class, mode, workload, arg,
                tmp.toString())) {
            int exit = jvm.waitFor(Reliability.longRun() ? 1800 : 480); // bounded: a deadlock fails here
            String out = jvm.output();
            assertEquals(0, exit, out);
            assertEquals(List.of(), Reliability.troubles(jvm, List.of()), out);
            assertTrue(jvm.lines().contains("VERIFY local=true remote=true"), "full verification must be on\n" + out);
            assertTrue(jvm.lines().contains("AGENT " + trace), out);
            return Reliability.result(jvm, "realprog-" + workload);
        }
    }
}
