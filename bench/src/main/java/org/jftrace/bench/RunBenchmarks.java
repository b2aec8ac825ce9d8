package org.jftrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs jftrace's benchmarks and prints a summary table.
 *
 * <pre>
 * java [-Djftrace.agent=PATH] -cp bench/target/benchmarks.jar org.jftrace.bench.RunBenchmarks [quick|full|smoke] [REGEX]
 * </pre>
 *
 * The rows come from the catalogue ({@link RowSpec#catalog()}: the {@link Variant} constants measured
 * by {@link HookRow}, and the {@link SoloRow} classes). Three JMH runs, each over the rows REGEX selects
 * (found, ignoring case, in the row's name or in its benchmark's class.method name):
 * <ol>
 * <li>the rows that need the jftrace agent: every fork starts with {@code -javaagent:PATH}
 *     ({@code jftrace.agent}, by default {@code agent/target/jftrace-agent.jar} relative to the
 *     working directory); average time per call in ns, with the GC profiler;</li>
 * <li>the peer rows, the same way in forks without the jftrace agent (JFR method tracing: JDK 25+ only);</li>
 * <li>the filter timings ({@code Filter*Timing}), single shots in ms, no warm-up iteration: the
 *     first shot of each fork is the cold one and is shown apart.</li>
 * </ol>
 * A row whose set-up check fails throws, and so does a row whose hook did not apply. In quick and
 * full mode the first such error ends the run; smoke mode runs every row, and then, as the other
 * modes, exits with status 1 if a selected row or timing has no result. This class itself touches
 * no jftrace class: the host JVM needs no agent and no jftrace API.
 */
public final class RunBenchmarks {
    /** The filter timings (not rows of the per-call table): class.method of each. */
    static final List<String> TIMINGS = List.of(FilterEnableTiming.class.getName() + ".enable1000Classes",
            FilterUnregisterTiming.class.getName() + ".unregister1000Classes");

    /** Run lengths of one mode. */
    private record Plan(String name, int forks, int warmups, int warmupSeconds, int iterations, int iterationSeconds,
                        int shots) {
        @Override
        public String toString() {
            return name + ": " + forks + " fork(s), " + warmups + " x " + warmupSeconds + " s warm-up, " + iterations
                    + " x " + iterationSeconds + " s measurement per row; filter timings: " + forks + " fork(s) x "
                    + shots + " single shots";
        }

        /** Smoke runs every row even after a failure, then reports each missing one. */
        boolean failFast() {
            return !name.equals("smoke");
        }
    }

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException {
        String modeName = args.length > 0 ? args[0] : "quick";
        Plan plan;
        if (modeName.equals("quick")) {
            plan = new Plan("quick", 1, 3, 1, 5, 1, 6);
        } else if (modeName.equals("full")) {
            plan = new Plan("full", 2, 5, 2, 10, 2, 11);
        } else if (modeName.equals("smoke")) { // checks that every row sets up and runs: numbers meaningless
            plan = new Plan("smoke", 1, 0, 1, 1, 1, 2);
        } else {
            System.err.println("usage: RunBenchmarks [quick|full|smoke] [REGEX]   (unknown mode '" + modeName + "')");
            System.exit(2);
            return;
        }
        Pattern only = args.length > 1 ? Pattern.compile(args[1], Pattern.CASE_INSENSITIVE) : null;
        int jdk = Runtime.version().feature();
        List<RowSpec> catalog = RowSpec.catalog();
        List<RowSpec> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (RowSpec r : catalog) {
            if (!r.runsOn(jdk)) {
                skipped.add(r.name());
            } else if (selects(only, r.name(), r.benchmark())) {
                rows.add(r);
            }
        }
        List<String> timings = new ArrayList<>();
        for (String t : TIMINGS) {
            if (selects(only, t.substring(t.lastIndexOf('.') + 1), t)) {
                timings.add(t);
            }
        }
        if (rows.isEmpty() && timings.isEmpty() && only != null && catalog.stream().noneMatch(
                r -> selects(only, r.name(), r.benchmark()))) {
            System.err.println("RunBenchmarks: REGEX '" + only + "' selects no row and no timing");
            System.exit(2);
        }
        Path agent = agentJar();
        List<String> forkArgList = new ArrayList<>(List.of("-javaagent:" + agent, "-XX:CompileCommand=quiet",
                BootTarget.DONT_INLINE));
        if (jdk >= 23) {
            forkArgList.add("--sun-misc-unsafe-memory-access=allow"); // JMH 1.37 uses Unsafe: no warning per fork
        }
        String[] forkArgs = forkArgList.toArray(new String[0]);
        // Peer rows: no jftrace agent; Byte Buddy attaches its own agent to the fork (self-attach).
        List<String> peerArgList = new ArrayList<>(forkArgList.subList(1, forkArgList.size()));
        peerArgList.add("-Djdk.attach.allowAttachSelf=true");
        if (jdk >= 21) {
            peerArgList.add("-XX:+EnableDynamicAgentLoading"); // no warning for Byte Buddy's dynamic agent
        }
        String[] peerArgs = peerArgList.toArray(new String[0]);

        System.out.println("# jftrace benchmarks, " + plan);
        System.out.println("# agent: " + agent + " (" + describe(agent) + ")");
        System.out.println("# JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.home") + "), " + Runtime.getRuntime().availableProcessors() + " CPUs");
        String loadBefore = loadAverage();
        System.out.println("# load average at start: " + loadBefore);
        String jfrSkip = "# JFR method tracing rows (" + String.join(", ", skipped) + ") skipped: jdk.MethodTrace and"
                + " jdk.MethodTiming need JDK 25+, this is JDK " + jdk;
        if (!skipped.isEmpty()) {
            System.out.println(jfrSkip);
        }

        Collection<RunResult> rowResults = new ArrayList<>();
        rowResults.addAll(run(perCall(plan, rows.stream().filter(r -> r.fork().agent()).toList(), forkArgs)));
        rowResults.addAll(run(perCall(plan, rows.stream().filter(r -> !r.fork().agent()).toList(), peerArgs)));
        Collection<RunResult> timingResults = run(timings.isEmpty() ? null : include(new OptionsBuilder(), timings)
                .mode(Mode.SingleShotTime)
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(plan.forks)
                .warmupIterations(0)
                .measurementIterations(plan.shots)
                .measurementBatchSize(1)
                .threads(1)
                .jvmArgsAppend(forkArgs)
                .shouldFailOnError(plan.failFast()));

        System.out.println();
        System.out.println("# jftrace benchmarks, " + plan);
        System.out.println("# JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        System.out.println("# agent: " + agent + " (" + describe(agent) + ")");
        System.out.println("# load average (1, 5, 15 min) at start: " + loadBefore + "; at end: " + loadAverage()
                + " (other work on this machine inflates and scatters the figures)");
        if (!skipped.isEmpty()) {
            System.out.println(jfrSkip);
        }
        Map<String, Check.Score> scores = scores(rowResults, catalog);
        printRows(scores, catalog);
        printTimings(timingResults);

        List<String> missing = new ArrayList<>();
        for (RowSpec r : rows) {
            if (!scores.containsKey(r.name())) {
                missing.add(r.name());
            }
        }
        for (String t : timings) {
            if (timingResults.stream().noneMatch(r -> r.getParams().getBenchmark().equals(t))) {
                missing.add(t.substring(t.lastIndexOf('.') + 1));
            }
        }
        System.out.println();
        if (!missing.isEmpty()) {
            System.out.println("# FAILED: no result for " + String.join(", ", missing) + " (a set-up check failed or the"
                    + " row errored: see the JMH output above)");
            System.exit(1);
        }
        System.out.println("# complete: every selected row (" + rows.size() + ") and filter timing (" + timings.size()
                + ") has a result");
    }

    /** {@return true if {@code only} is null or found in one of {@code names}} */
    static boolean selects(Pattern only, String... names) {
        if (only == null) {
            return true;
        }
        for (String n : names) {
            if (only.matcher(n).find()) {
                return true;
            }
        }
        return false;
    }

    /** {@code options} including exactly the benchmarks {@code benchmarks} (class.method each). */
    private static ChainedOptionsBuilder include(ChainedOptionsBuilder options, Collection<String> benchmarks) {
        for (String b : new LinkedHashSet<>(benchmarks)) {
            options.include("^" + Pattern.quote(b) + "$");
        }
        return options;
    }

    /** Options of a per-call group (rows, peers): average time per call with the GC profiler; null if no row. */
    private static ChainedOptionsBuilder perCall(Plan plan, List<RowSpec> rows, String[] jvmArgs) {
        if (rows.isEmpty()) {
            return null;
        }
        List<String> benchmarks = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        for (RowSpec r : rows) {
            benchmarks.add(r.benchmark());
            if (r.variant() != null) {
                variants.add(r.variant());
            }
        }
        ChainedOptionsBuilder options = include(new OptionsBuilder(), benchmarks);
        if (!variants.isEmpty()) {
            options.param("variant", variants.toArray(new String[0]));
        }
        return options
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.NANOSECONDS)
                .forks(plan.forks)
                .warmupIterations(plan.warmups)
                .warmupTime(TimeValue.seconds(plan.warmupSeconds))
                .measurementIterations(plan.iterations)
                .measurementTime(TimeValue.seconds(plan.iterationSeconds))
                .threads(1)
                .jvmArgsAppend(jvmArgs)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(plan.failFast());
    }

    /** Runs one group; null (no benchmark selected) runs nothing. */
    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        if (options == null) {
            return List.of();
        }
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException none) {
            return List.of();
        }
    }

    /** {@return size, modification time and SHA-256 prefix of {@code file}: which build was measured} */
    private static String describe(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                hex.append(String.format(Locale.ROOT, "%02x", d[i]));
            }
            return bytes.length + " bytes, modified " + Files.getLastModifiedTime(file) + ", sha256 " + hex + "...";
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return "unreadable: " + e;
        }
    }

    /** {@return /proc/loadavg's first three fields, or "n/a"} */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static Path agentJar() {
        String prop = System.getProperty("jftrace.agent", "agent/target/jftrace-agent.jar");
        Path p = Path.of(prop).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            System.err.println("jftrace agent jar not found at " + p + " (system property jftrace.agent = "
                    + System.getProperty("jftrace.agent", "<unset>, default agent/target/jftrace-agent.jar") + ").\n"
                    + "Build it with 'mvn -q -B package -DskipTests' in the repository root and run from there, "
                    + "or pass -Djftrace.agent=/path/to/jftrace-agent.jar (bench/run.sh does both).");
            System.exit(2);
        }
        return p;
    }

    /** {@return the measured rows by name} A parametrised row is named by its {@code variant}. */
    private static Map<String, Check.Score> scores(Collection<RunResult> results, List<RowSpec> catalog) {
        Map<String, Check.Score> byName = new LinkedHashMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String variant = r.getParams().getParam("variant");
            String name = bench.substring(bench.lastIndexOf('.') + 1) + (variant == null ? "" : ":" + variant);
            for (RowSpec s : catalog) {
                if (s.benchmark().equals(bench) && Objects.equals(s.variant(), variant)) {
                    name = s.name();
                }
            }
            Result p = r.getPrimaryResult();
            Result alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            byName.put(name, new Check.Score(name, p.getScore(), p.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()));
        }
        return byName;
    }

    private static void printRows(Map<String, Check.Score> scores, List<RowSpec> catalog) {
        if (scores.isEmpty()) {
            return;
        }
        Map<String, Check.Score> all = new LinkedHashMap<>();
        Map<String, RowSpec> specs = new LinkedHashMap<>();
        for (RowSpec s : catalog) {
            specs.put(s.name(), s);
            if (scores.containsKey(s.name())) {
                all.put(s.name(), scores.get(s.name()));
            }
        }
        all.putAll(scores); // rows missing from the catalogue follow, against noHook
        Check.Score limit = all.get("limit");

        System.out.println();
        System.out.println("JDK " + System.getProperty("java.runtime.version") + ": cost of one call of a small method"
                + " (ns/op, AverageTime; error = JMH 99.9% half-width;");
        System.out.println("delta = row - its baseline, +- root-sum-square of both errors; boot* rows use bootNoHook as baseline,");
        System.out.println("rec* rows (a method recursing 8 deep: 9 hooked entries per op) recNoHook;");
        System.out.println("peer rows (peerNoHook, bb*, jfr*) run in forks without the jftrace agent, against the same noHook baseline)");
        System.out.println();
        System.out.println("| row | ns/op | error | delta vs baseline (ns) | ratio to baseline | ratio to limit | gc.alloc.rate.norm (B/op) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Check.Score row : all.values()) {
            RowSpec spec = specs.get(row.name());
            RowSpec.Section section = spec == null ? RowSpec.Section.BASELINE : spec.section();
            Check.Score base = all.get(section.baseline);
            String delta = base == null ? "n/a" : fmt("%+.3f +- %.3f", row.ns() - base.ns(),
                    Math.sqrt(row.error() * row.error() + base.error() * base.error()));
            String ratioBase = base == null ? "n/a" : fmt("%.3f", row.ns() / base.ns());
            String ratioLimit = limit == null || !section.vsLimit() ? "n/a" : fmt("%.3f", row.ns() / limit.ns());
            System.out.println("| " + row.name() + " | " + fmt("%.3f", row.ns()) + " | " + fmt("%.3f", row.error()) + " | "
                    + delta + " | " + ratioBase + " | " + ratioLimit + " | " + fmt("%.3f", row.alloc()) + " |");
        }

        System.out.println();
        System.out.println("Targets (point estimates; see the errors above):");
        for (boolean allocation : new boolean[] {false, true}) { // the allocation lines last
            for (RowSpec s : catalog) {
                for (Check c : s.checks()) {
                    String line = (c instanceof Check.ZeroAlloc) == allocation ? c.line(s.name(), all) : null;
                    if (line != null) {
                        System.out.println(line);
                    }
                }
            }
        }
    }

    private static void printTimings(Collection<RunResult> results) {
        if (results.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println("Filter over 1,000 loaded classes (5,000 methods), ms per single shot; the first shot of each fork");
        System.out.println("runs in a cold JVM (jftrace's and the JDK's code not yet compiled), the others after it:");
        System.out.println();
        System.out.println("| timing | forks x shots | first shot of each fork | later shots: mean | min | max |");
        System.out.println("|---|---:|---|---:|---:|---:|");
        List<String> verdicts = new ArrayList<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String name = bench.substring(bench.lastIndexOf('.') + 1);
            List<String> firsts = new ArrayList<>();
            double firstMax = 0;
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            int n = 0;
            int shots = 0;
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                boolean first = true;
                for (IterationResult it : fork.getIterationResults()) {
                    double ms = it.getPrimaryResult().getScore();
                    shots++;
                    if (first) {
                        firsts.add(fmt("%.1f", ms));
                        firstMax = Math.max(firstMax, ms);
                        first = false;
                    } else {
                        sum += ms;
                        n++;
                        min = Math.min(min, ms);
                        max = Math.max(max, ms);
                    }
                }
            }
            int forks = Math.max(1, r.getBenchmarkResults().size());
            System.out.println("| " + name + " | " + forks + " x " + (shots / forks) + " | " + String.join(", ", firsts)
                    + " | " + (n == 0 ? "n/a" : fmt("%.1f", sum / n)) + " | " + (n == 0 ? "n/a" : fmt("%.1f", min))
                    + " | " + (n == 0 ? "n/a" : fmt("%.1f", max)) + " |");
            if (name.startsWith("enable")) {
                verdicts.add("  " + (firstMax < 1000 ? "MET   " : "MISSED") + " enabling a filter that selects every method of"
                        + " 1,000 loaded classes completes in under 1 s, cold JVM: worst first shot " + fmt("%.1f", firstMax) + " ms");
                if (n > 0) {
                    verdicts.add("  " + (max < 1000 ? "MET   " : "MISSED") + " the same after the first shot: mean "
                            + fmt("%.1f", sum / n) + " ms, worst " + fmt("%.1f", max) + " ms");
                }
            }
        }
        if (!verdicts.isEmpty()) {
            System.out.println();
            for (String v : verdicts) {
                System.out.println(v);
            }
        }
    }

    private static String fmt(String f, Object... args) {
        return Check.fmt(f, args);
    }
}
