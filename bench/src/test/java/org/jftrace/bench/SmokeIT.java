package org.jftrace.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code target/benchmarks.jar} as {@code bench/run.sh smoke} does ({@link RunBenchmarks} in smoke
 * mode: every row in a fork of its own, one 1 s iteration, no warm-up; the filter timings two shots)
 * and fails unless it exits 0 and its table lists every row of the catalogue that runs on this JDK.
 * A row whose set-up check fails (its hook did not apply or did not act) or that errors has no
 * result, and RunBenchmarks then exits 1. The peer rows run too (without the jftrace agent; the
 * JFR ones only on JDK 25+, as RunBenchmarks decides).
 *
 * <p>Runs in bench's integration-test phase, after the package phase built the jar, with the agent of
 * this checkout ({@code agent/target/jftrace-agent.jar}, or {@code -Dagent.jar=PATH}). About 2 minutes
 * on 2 CPUs. {@code -Djftrace.bench.smoke=REGEX} narrows it as RunBenchmarks' REGEX argument does.
 * The whole output is kept in {@code target/smoke-jdkN.log}.
 */
class SmokeIT {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyRowSetsUpPassesItsChecksAndRuns() throws Exception {
        Path jar = Path.of(System.getProperty("bench.jar", "target/benchmarks.jar")).toAbsolutePath();
        Path agent = Path.of(System.getProperty("jftrace.agent", "../agent/target/jftrace-agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no benchmarks jar at " + jar + ": run in the integration-test phase");
        assertTrue(Files.isRegularFile(agent), "no agent jar at " + agent + ": build the agent module first");
        String regex = System.getProperty("jftrace.bench.smoke", "");
        int jdk = Runtime.version().feature();

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (jdk >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // JMH 1.37 uses Unsafe (as bench/run.sh does)
        }
        cmd.addAll(List.of("-Djftrace.agent=" + agent, "-cp", jar.toString(), RunBenchmarks.class.getName(), "smoke"));
        if (!regex.isEmpty()) {
            cmd.add(regex);
        }
        Path log = jar.resolveSibling("smoke-jdk" + jdk + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(jar.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(14, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail("the smoke run took over 14 minutes: " + log + "\n" + tail(Files.readString(log)));
        }
        String out = Files.readString(log);
        int summary = out.lastIndexOf("# jftrace benchmarks, smoke");
        System.out.println("[smoke, JDK " + jdk + ", " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s] "
                + (summary < 0 ? tail(out) : out.substring(summary)));

        assertEquals(0, p.exitValue(), "RunBenchmarks smoke failed: " + log + "\n" + tail(out));
        assertFalse(out.contains("<failure>"), "a benchmark failed: " + log);
        Pattern only = regex.isEmpty() ? null : Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        int rows = 0;
        for (RowSpec r : RowSpec.catalog()) {
            if (r.runsOn(jdk) && RunBenchmarks.selects(only, r.name(), r.benchmark())) {
                rows++;
                assertTrue(out.contains("\n| " + r.name() + " | "), "row " + r.name() + " is missing from the table: " + log);
            }
        }
        for (String t : RunBenchmarks.TIMINGS) {
            String name = t.substring(t.lastIndexOf('.') + 1);
            if (RunBenchmarks.selects(only, name, t)) {
                assertTrue(out.contains("\n| " + name + " | "), "timing " + name + " is missing from the table: " + log);
            }
        }
        assertTrue(rows > 0 || only != null, "no row ran");
        assertTrue(out.contains("# complete: every selected row (" + rows + ")"), "no completion line for " + rows
                + " rows: " + log + "\n" + tail(out));
    }

    private static String tail(String out) {
        return out.length() <= 6000 ? out : "...\n" + out.substring(out.length() - 6000);
    }
}
