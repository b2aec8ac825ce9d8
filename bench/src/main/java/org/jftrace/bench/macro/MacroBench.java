package org.jftrace.bench.macro;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The macro benchmark: hooks on real code. Each row is a fresh JVM running {@link CompileWorkload}
 * (the JDK's compiler compiling a library's sources), rows interleaved round by round so that a noisy
 * moment hits every row alike; the figures are each row's median. Cost per call is the row's compile
 * time over the untraced row's, divided by the calls its hooks counted, and is reported as a ratio to
 * the limit row's (a hand-written {@code invokestatic} counter on the same methods) from the same run.
 *
 * <p>{@code MacroBench JAVA AGENT_JAR BENCH_JAR SRC_DIR ROUNDS [ROW...]}; see {@code bench/macro.sh}.
 * {@code -Dmacro.jvmArgs="..."} adds options to every row's JVM (a profiler, JIT logs).
 */
public final class MacroBench {
    static final List<String> ROWS = List.of("untraced", "limit", "safe", "guarded", "all", "limitExits", "limitExitsBig",
            "exits", "function", "functionCoarse", "graph", "profiler");

    private MacroBench() {
    }

    /** One run's parsed {@code MACRO} line. */
    record Run(String row, boolean ok, double registerMs, double compileMs, double cpuMs, double processCpuMs,
               double unregisterMs, long calls, int hooked, String digest, double wallMs) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: MacroBench JAVA AGENT_JAR BENCH_JAR SRC_DIR ROUNDS [ROW...]");
            System.exit(2);
        }
        String java = args[0];
        String agent = args[1];
        String bench = args[2];
        Path src = Path.of(args[3]);
        int rounds = Integer.parseInt(args[4]);
        List<String> rows = args.length > 5 ? Arrays.asList(args).subList(5, args.length) : ROWS;
        if (!rows.contains("untraced") || !rows.contains("limit")) {
            throw new IllegalArgumentException("rows must include untraced and limit: costs are relative to them");
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String row : rows) {
                Run run = runOnce(java, agent, bench, src, row);
                System.err.printf(Locale.ROOT, "[macro] round %d/%d %-8s compile %7.0f ms  cpu %7.0f ms  calls %,d%n",
                        r + 1, rounds, row, run.compileMs(), run.cpuMs(), run.calls());
                runs.computeIfAbsent(row, k -> new ArrayList<>()).add(run);
            }
        }
        int failures = report(runs, java);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static Run runOnce(String java, String agent, String bench, Path src, String row)
            throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("jftrace-macro-");
        try {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xms1g", "-Xmx1g"));
            String extra = System.getProperty("macro.jvmArgs", "").trim(); // e.g. JFR or JIT logging flags
            if (!extra.isEmpty()) {
                cmd.addAll(Arrays.asList(extra.split("\\s+")));
            }
            switch (row) {
                case "untraced" -> { }
                case "limit" -> cmd.add("-javaagent:" + bench + "=jdk.compiler");
                case "limitExits" -> cmd.add("-javaagent:" + bench + "=jdk.compiler,exits");
                // the hand-written exit hook padded to about the size of jftrace's (60 bytes more per method)
                case "limitExitsBig" -> cmd.add("-javaagent:" + bench + "=jdk.compiler,exits,pad=60");
                default -> cmd.add("-javaagent:" + agent);
            }
            cmd.addAll(List.of("-cp", bench, CompileWorkload.class.getName(), row, src.toString(), out.toString()));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String line = null;
            StringBuilder all = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    all.append(l).append('\n');
                    if (l.startsWith("MACRO ")) {
                        line = l;
                    } else if (l.startsWith("PROFILE ")) {
                        System.err.println("[macro] " + row + " " + l); // the profiler row: functions, counted, lost
                    }
                }
            }
            int rc = p.waitFor();
            double wall = (System.nanoTime() - t0) / 1e6;
            if (rc != 0 || line == null) {
                throw new IllegalStateException("row " + row + " exited " + rc + ":\n" + all);
            }
            return parse(line, wall);
        } finally {
            try (Stream<Path> s = Files.walk(out)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    static Run parse(String line, double wallMs) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.substring("MACRO ".length()).split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new Run(kv.get("row"), Boolean.parseBoolean(kv.get("ok")), Double.parseDouble(kv.get("register_ms")),
                Double.parseDouble(kv.get("compile_ms")), Double.parseDouble(kv.get("cpu_ms")),
                Double.parseDouble(kv.get("process_cpu_ms")), Double.parseDouble(kv.get("unregister_ms")),
                Long.parseLong(kv.get("calls")), Integer.parseInt(kv.get("hooked")), kv.get("digest"), wallMs);
    }

    static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Cost per call over untraced, in ns, of {@code rs} by measure {@code f}. */
    private static double cost(List<Run> rs, List<Run> untraced, java.util.function.ToDoubleFunction<Run> f) {
        return (median(rs, f) - median(untraced, f)) * 1e6 / rs.get(0).calls();
    }

    /**
     * Prints the table; {@return how many checks failed} (a failed compile, a changed output, a row
     * without calls). Costs come from the compiling thread's CPU time (steady on a shared machine)
     * and, for comparison, from wall time; each also as a ratio to the limit row's.
     */
    static int report(Map<String, List<Run>> runs, String java) {
        int failures = 0;
        List<Run> untraced = runs.get("untraced");
        List<Run> limit = runs.get("limit");
        String expected = untraced.get(0).digest();
        double limitCpu = cost(limit, untraced, Run::cpuMs);
        double limitWall = cost(limit, untraced, Run::compileMs);
        System.out.printf(Locale.ROOT, "%nmacro benchmark: %s; %d rounds; medians%n%n", java, untraced.size());
        System.out.println("| row | compile cpu ms | compile wall ms | x untraced (wall) | process cpu ms | calls | hooked"
                + " | ns/call over untraced (cpu) | x limit | ns/call (wall) | x limit | register ms | unregister ms | output |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        StringBuilder exitRatios = new StringBuilder();
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Run> rs = e.getValue();
            String row = e.getKey();
            boolean same = rs.stream().allMatch(r -> r.ok() && r.digest().equals(expected));
            long calls = rs.get(0).calls();
            boolean steadyCalls = rs.stream().allMatch(r -> r.calls() == calls);
            boolean jftrace = !row.equals("untraced") && !row.startsWith("limit");
            String costs = "- | - | - | -";
            if (!row.equals("untraced")) {
                if (calls <= 0) {
                    System.out.println("FAILED: row " + row + " counted no calls");
                    failures++;
                } else {
                    double c = cost(rs, untraced, Run::cpuMs);
                    double w = cost(rs, untraced, Run::compileMs);
                    costs = String.format(Locale.ROOT, "%.1f | %.2f | %.1f | %.2f", c, c / limitCpu, w, w / limitWall);
                    List<Run> limitExits = runs.get("limitExits");
                    if (limitExits != null && (row.equals("exits") || row.equals("graph") || row.equals("profiler"))) {
                        exitRatios.append(String.format(Locale.ROOT, "%s: %.2f x limitExits (cpu), %.2f x (wall)%n", row,
                                c / cost(limitExits, untraced, Run::cpuMs), w / cost(limitExits, untraced, Run::compileMs)));
                    }
                }
            }
            if (!same) {
                System.out.println("FAILED: row " + row + " changed the compiler's output or failed to compile");
                failures++;
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.0f | %,d%s | %s | %s | %s | %s | %s |%n", row,
                    median(rs, Run::cpuMs), median(rs, Run::compileMs),
                    median(rs, Run::compileMs) / median(untraced, Run::compileMs), median(rs, Run::processCpuMs), calls,
                    steadyCalls ? "" : " (varies)",
                    rs.get(0).hooked() < 0 ? "-" : String.format(Locale.ROOT, "%,d", rs.get(0).hooked()), costs,
                    jftrace ? String.format(Locale.ROOT, "%.0f", median(rs, Run::registerMs)) : "-",
                    jftrace ? String.format(Locale.ROOT, "%.0f", median(rs, Run::unregisterMs)) : "-",
                    same ? "unchanged" : "CHANGED");
        }
        if (exitRatios.length() > 0) {
            // exit hooks against the hand-written entry+exit hook, the right limit for them
            System.out.println();
            System.out.print(exitRatios);
        }
        if (runs.containsKey("function") || runs.containsKey("graph")) {
            System.out.println();
            for (String row : List.of("function", "functionCoarse", "graph")) {
                List<Run> rs = runs.get(row);
                if (rs != null) {
                    System.out.printf(Locale.ROOT, "%s: %,.0f events written per second of compile (wall)%n", row,
                            rs.get(0).calls() / (median(rs, Run::compileMs) / 1e3));
                }
            }
        }
        return failures;
    }
}
