package org.jftrace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * java [-Djftrace.agent=PATH] -cp bench/target/benchmarks.jar org.jftrace.bench.RunBenchmarks [quick|full] [REGEX]
 * </pre>
 *
 * Every fork is started with {@code -javaagent:PATH} ({@code jftrace.agent}, by default
 * {@code agent/target/jftrace-agent.jar} relative to the working directory). Two JMH runs:
 * <ol>
 * <li>the hook-cost rows ({@code *Row} classes, one {@code @Benchmark} each), average time per call
 *     in ns, with the GC profiler;</li>
 * <li>the filter timings ({@code Filter*Timing}), single shots in ms, no warm-up iteration: the
 *     first shot of each fork is the cold one and is shown apart.</li>
 * </ol>
 * This class itself touches no jftrace class: the host JVM needs no agent. An optional REGEX narrows
 * both runs (JMH include syntax).
 */
public final class RunBenchmarks {
    private static final String ROWS = "org\\.jftrace\\.bench\\.\\w+Row\\.";
    /** Peer rows (issue 5): forked without the jftrace agent. JFR method tracing needs JDK 25. */
    private static final String PEERS = "org\\.jftrace\\.bench\\.\\w+Peer\\.";
    private static final String PEERS_NO_JFR = "org\\.jftrace\\.bench\\.(?!Jfr)\\w+Peer\\.";
    private static final String TIMINGS = "org\\.jftrace\\.bench\\.Filter\\w+Timing\\.";

    /** Run lengths of one mode. */
    private static final class Plan {
        final String name;
        final int forks;
        final int warmups;
        final int warmupSeconds;
        final int iterations;
        final int iterationSeconds;
        final int shots;

        Plan(String name, int forks, int warmups, int warmupSeconds, int iterations, int iterationSeconds, int shots) {
            this.name = name;
            this.forks = forks;
            this.warmups = warmups;
            this.warmupSeconds = warmupSeconds;
            this.iterations = iterations;
            this.iterationSeconds = iterationSeconds;
            this.shots = shots;
        }

        @Override
        public String toString() {
            return name + ": " + forks + " fork(s), " + warmups + " x " + warmupSeconds + " s warm-up, " + iterations
                    + " x " + iterationSeconds + " s measurement per row; filter timings: " + forks + " fork(s) x "
                    + shots + " single shots";
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
            System.err.println("usage: RunBenchmarks [quick|full] [REGEX]   (unknown mode '" + modeName + "')");
            System.exit(2);
            return;
        }
        String only = args.length > 1 ? args[1] : null;
        Path agent = agentJar();
        List<String> forkArgList = new ArrayList<>(List.of("-javaagent:" + agent, "-XX:CompileCommand=quiet",
                BootTarget.DONT_INLINE));
        if (Runtime.version().feature() >= 23) {
            forkArgList.add("--sun-misc-unsafe-memory-access=allow"); // JMH 1.37 uses Unsafe: no warning per fork
        }
        String[] forkArgs = forkArgList.toArray(new String[0]);
        // Peer rows: no jftrace agent; Byte Buddy attaches its own agent to the fork (self-attach).
        List<String> peerArgList = new ArrayList<>(forkArgList.subList(1, forkArgList.size()));
        peerArgList.add("-Djdk.attach.allowAttachSelf=true");
        if (Runtime.version().feature() >= 21) {
            peerArgList.add("-XX:+EnableDynamicAgentLoading"); // no warning for Byte Buddy's dynamic agent
        }
        String[] peerArgs = peerArgList.toArray(new String[0]);
        boolean jfrMethodTracing = Runtime.version().feature() >= 25;

        System.out.println("# jftrace benchmarks, " + plan);
        System.out.println("# agent: " + agent + " (" + describe(agent) + ")");
        System.out.println("# JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.home") + "), " + Runtime.getRuntime().availableProcessors() + " CPUs");
        String loadBefore = loadAverage();
        System.out.println("# load average at start: " + loadBefore);
        String jfrSkip = "# JFR method tracing rows (jfrTrace, jfrTraceStack, jfrTiming, recJfrTrace) skipped: jdk.MethodTrace and"
                + " jdk.MethodTiming need JDK 25+, this is JDK " + Runtime.version().feature();
        if (!jfrMethodTracing) {
            System.out.println(jfrSkip);
        }

        ChainedOptionsBuilder rows = perCall(plan, narrow(ROWS, only), forkArgs);
        ChainedOptionsBuilder peers = perCall(plan, narrow(jfrMethodTracing ? PEERS : PEERS_NO_JFR, only), peerArgs);
        ChainedOptionsBuilder timings = new OptionsBuilder()
                .include(narrow(TIMINGS, only))
                .mode(Mode.SingleShotTime)
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(plan.forks)
                .warmupIterations(0)
                .measurementIterations(plan.shots)
                .measurementBatchSize(1)
                .threads(1)
                .jvmArgsAppend(forkArgs)
                .shouldFailOnError(true);
        Collection<RunResult> rowResults = new ArrayList<>(run(rows));
        rowResults.addAll(run(peers));
        Collection<RunResult> timingResults = run(timings);

        System.out.println();
        System.out.println("# jftrace benchmarks, " + plan);
        System.out.println("# JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        System.out.println("# agent: " + agent + " (" + describe(agent) + ")");
        System.out.println("# load average (1, 5, 15 min) at start: " + loadBefore + "; at end: " + loadAverage()
                + " (other work on this machine inflates and scatters the figures)");
        if (!jfrMethodTracing) {
            System.out.println(jfrSkip);
        }
        printRows(rowResults);
        printTimings(timingResults);
    }

    /** Options of a per-call group (rows, peers): average time per call with the GC profiler. */
    private static ChainedOptionsBuilder perCall(Plan plan, String include, String[] jvmArgs) {
        return new OptionsBuilder()
                .include(include)
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
                .shouldFailOnError(true);
    }

    /** JMH ORs its includes: a REGEX given on the command line narrows a run by a look-ahead instead. */
    private static String narrow(String group, String only) {
        return only == null ? group : "^(?=.*" + group + ")(?=.*(?:" + only + "))";
    }

    /** Runs one group; a REGEX that selects nothing of it skips it. */
    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
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

    /** One measured row of the summary. */
    private static final class Row {
        final String name;
        final double score;
        final double error;
        final double alloc;

        Row(String name, double score, double error, double alloc) {
            this.name = name;
            this.score = score;
            this.error = error;
            this.alloc = alloc;
        }
    }

    private static void printRows(Collection<RunResult> results) {
        if (results.isEmpty()) {
            return;
        }
        Map<String, Row> byName = new LinkedHashMap<>();
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            String name = bench.substring(bench.lastIndexOf('.') + 1);
            Result p = r.getPrimaryResult();
            Result alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            byName.put(name, new Row(name, p.getScore(), p.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()));
        }
        List<Row> ordered = new ArrayList<>();
        for (String n : new String[] {"noHook", "limit", "limitCheck", "safe", "guarded", "threeOpsSafe", "threeOpsGuarded",
                "unregistered", "bootNoHook", "bootSafe", "bootGuarded",
                "saveRegsRead", "saveRegsSetArg", "ipDirect", "ipModify", "livePatch", "perCpu", "perCpuMany",
                "peerNoHook", "bbEmpty", "bbTiming", "bbArgs", "jfrTrace", "jfrTraceStack", "jfrTiming",
                "recNoHook", "recSafe", "recBbEmpty", "recJfrTrace"}) {
            Row row = byName.remove(n);
            if (row != null) {
                ordered.add(row);
            }
        }
        ordered.addAll(byName.values()); // rows added later (peers) follow, against the same baselines
        Map<String, Row> all = new LinkedHashMap<>();
        for (Row row : ordered) {
            all.put(row.name, row);
        }
        Row limit = all.get("limit");

        System.out.println();
        System.out.println("JDK " + System.getProperty("java.runtime.version") + ": cost of one call of a small method"
                + " (ns/op, AverageTime; error = JMH 99.9% half-width;");
        System.out.println("delta = row - its baseline, +- root-sum-square of both errors; boot* rows use bootNoHook as baseline,");
        System.out.println("rec* rows (a method recursing 8 deep: 9 hooked entries per op) recNoHook;");
        System.out.println("peer rows (peerNoHook, bb*, jfr*) run in forks without the jftrace agent, against the same noHook baseline)");
        System.out.println();
        System.out.println("| row | ns/op | error | delta vs baseline (ns) | ratio to baseline | ratio to limit | gc.alloc.rate.norm (B/op) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row row : ordered) {
            Row base = all.get(row.name.startsWith("boot") ? "bootNoHook" : row.name.startsWith("rec") ? "recNoHook" : "noHook");
            String delta = base == null ? "n/a" : fmt("%+.3f +- %.3f", row.score - base.score,
                    Math.sqrt(row.error * row.error + base.error * base.error));
            String ratioBase = base == null ? "n/a" : fmt("%.3f", row.score / base.score);
            String ratioLimit = limit == null || row.name.startsWith("boot") || row.name.startsWith("rec") ? "n/a" : fmt("%.3f", row.score / limit.score);
            System.out.println("| " + row.name + " | " + fmt("%.3f", row.score) + " | " + fmt("%.3f", row.error) + " | "
                    + delta + " | " + ratioBase + " | " + ratioLimit + " | " + fmt("%.3f", row.alloc) + " |");
        }

        System.out.println();
        System.out.println("Targets (point estimates; see the errors above):");
        target(all, "safe", "noHook", 0.5, "one empty RECURSION_SAFE callback adds at most 0.5 ns over no hook");
        target(all, "safe", "limit", 0.5, "an empty jftrace callback is within 0.5 ns of the hand-written limit (issue 5)");
        target(all, "safe", "limitCheck", 0.5, "(informative) the same over the hand-written flag test at entry (limitCheck)");
        target(all, "guarded", "limitCheck", 0.5, "(informative) the recursion guard over the hand-written flag test at entry (limitCheck)");
        target(all, "guarded", "safe", 3.0, "the default recursion guard adds at most 3 ns more than RECURSION_SAFE");
        target(all, "threeOpsSafe", "noHook", 3.0, "three (RECURSION_SAFE) ops add at most 3 ns over no hook");
        target(all, "threeOpsGuarded", "noHook", 3.0, "(informative) three guarded ops, same 3 ns bound");
        Row un = all.get("unregistered");
        Row no = all.get("noHook");
        if (un != null && no != null) {
            double ratio = un.score / no.score;
            boolean overlap = Math.abs(un.score - no.score) <= un.error + no.error;
            System.out.println("  " + (ratio <= 1.05 ? "MET   " : "MISSED") + " after unregister the method costs as never hooked: ratio "
                    + fmt("%.3f", ratio) + " (bound 1.05; the two 99.9% intervals " + (overlap ? "overlap" : "do not overlap") + ")");
        }
        target(all, "bootSafe", "bootNoHook", 1.5, "(informative) static-call hook of a boot class, RECURSION_SAFE: ~1.5 ns expected");
        target(all, "saveRegsRead", "noHook", 2.0, "SAVE_REGS (with RECURSION_SAFE) reading two arguments adds at most 2 ns over no hook");
        redirectRatio(all, "livePatch", "IPMODIFY redirect to one replacement (RedirectFunc, as LivePatch makes it)");
        redirectRatio(all, "ipModify", "IPMODIFY redirect by a general callback (setIp per call)");
        target(all, "perCpu", "safe", 1.0, "the PER_CPU check (PER_CPU|RECURSION_SAFE) adds at most 1 ns over the empty RECURSION_SAFE row");
        target(all, "perCpuMany", "safe", 1.0, "(informative) the same with two threads enabled (per-thread counter lookup)");
        Row rd = all.get("saveRegsRead");
        Row bba = all.get("bbArgs");
        Row pno = all.get("peerNoHook");
        if (rd != null && bba != null && no != null && pno != null) {
            double ours = rd.score - no.score;
            double theirs = bba.score - pno.score;
            System.out.println("  " + (ours <= theirs / 2 ? "MET   " : "MISSED") + " SAVE_REGS reading two arguments costs at most half of"
                    + " Byte Buddy's @AllArguments advice (issue 5): saveRegsRead - noHook = " + fmt("%.3f", ours)
                    + " ns, bbArgs - peerNoHook = " + fmt("%.3f", theirs) + " ns");
        }
        // issue 5: every jftrace row allocates nothing per call once compiled
        for (String n : new String[] {"safe", "guarded", "threeOpsSafe", "threeOpsGuarded", "unregistered", "bootSafe",
                "bootGuarded", "saveRegsRead", "saveRegsSetArg", "ipModify", "livePatch", "perCpu", "perCpuMany", "recSafe"}) {
            Row r = all.get(n);
            if (r != null) {
                System.out.println("  " + (r.alloc < 0.5 ? "MET   " : "MISSED") + " " + n + " allocates 0 B/op: gc.alloc.rate.norm = "
                        + fmt("%.3f", r.alloc) + " B/op (bound: < 0.5, i.e. 0 once rounded)");
            }
        }
    }

    /** The issue-4 bound: a redirected call costs at most 1.5x the direct call of the replacement (row ipDirect). */
    private static void redirectRatio(Map<String, Row> all, String row, String what) {
        Row r = all.get(row);
        Row direct = all.get("ipDirect");
        if (r != null && direct != null) {
            double ratio = r.score / direct.score;
            System.out.println("  " + (ratio <= 1.5 ? "MET   " : "MISSED") + " " + what + " costs at most 1.5x the direct call"
                    + " of the replacement: " + row + " / ipDirect = " + fmt("%.3f", ratio) + " (bound 1.5)");
        }
    }

    private static void target(Map<String, Row> all, String row, String base, double bound, String what) {
        Row r = all.get(row);
        Row b = all.get(base);
        if (r == null || b == null) {
            return;
        }
        double delta = r.score - b.score;
        System.out.println("  " + (delta <= bound ? "MET   " : "MISSED") + " " + what + ": " + row + " - " + base + " = "
                + fmt("%.3f", delta) + " ns (bound " + bound + " ns)");
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
        return String.format(Locale.ROOT, f, args);
    }
}
