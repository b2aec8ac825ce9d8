package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.it.ForkedJvm;
import org.jftrace.it.attach.AttachTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability, bad input (issue 12; SPEC 2 errors, 3.3, 3.4, 3.9), each outcome and message
 * checked. Random globs from a seeded generator (no jqwik; seed {@code -Djftrace.reliability.seed},
 * 12 by default) through the public API on the real function table: every input gives a filter
 * or EINVAL (malformed: with a column inside the pattern; matching nothing; empty), never another
 * exception; well-formed ones over {@link GlobFodder} agree with a regex oracle on whether they
 * match, and a sample of them on what they hook. Random ids; every flag combination; the command
 * line of the attach command and the agent's start-up options (empty, huge, non-ASCII, shell
 * metacharacters). In the test JVM (it has the agent), plus forked JVMs for the command line.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputTest {
    static final String FODDER = GlobFodder.class.getName() + ".";
    static final long SEED = Long.getLong("jftrace.reliability.seed", 12);
    static final Pattern COLUMN = Pattern.compile("^EINVAL: malformed filter \".*\" at column (\\d+): ", Pattern.DOTALL);

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        GlobFodder.alpha();
        GlobFodder.delta(1);
    }

    // ---- globs ----

    private static final String[] CHAOS = {"a", "b", "m", "0", ".", "$", "*", "?", "[", "]", "!", "-", "\\", "(", ")", ":",
        ",", " ", "\u00e9", "\uD83D\uDE00", "\u0000", ":mod:", "int", "java.lang.String", "^", "{", "}", "\t", "\uD83D"};
    private static final String[] TAIL = {"alpha", "beta", "gamma", "alp", "b3ta", "a", "l", "*", "*", "?", "??", "[ab]",
        "[!a]", "[a-g]", "[0-9]", "e", "ta", "delta"};

    static String chaos(Random r) {
        StringBuilder sb = new StringBuilder(r.nextBoolean() ? FODDER : r.nextInt(4) == 0 ? "java.util." : "");
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(CHAOS[r.nextInt(CHAOS.length)]);
        }
        return sb.toString();
    }

    static String structured(Random r) {
        StringBuilder sb = new StringBuilder(FODDER);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(TAIL[r.nextInt(TAIL.length)]);
        }
        return sb.toString();
    }

    /** The oracle: a glob of literals, {@code *}, {@code ?} and simple classes as a regex. */
    static Pattern oracle(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                String body = glob.substring(i + 1, close);
                re.append('[').append(body.startsWith("!") ? "^" + body.substring(1) : body).append(']');
                i = close;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    @Test
    void randomGlobsGiveAFilterOrEinvalWithAColumnNeverAnotherException() {
        int n = Reliability.scale(3_000, 30_000);
        Random r = new Random(SEED);
        List<String> fodder = Ftrace.availableFilterFunctions().stream().map(FunctionInfo::name)
                .filter(s -> s.startsWith(FODDER)).distinct().toList();
        assertTrue(fodder.contains(FODDER + "alpha"), fodder.toString());
        AtomicInteger calls = new AtomicInteger();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int oracleChecked = 0;
        int hookChecked = 0;
        for (int i = 0; i < n; i++) {
            boolean isStructured = i % 2 == 0;
            String p = isStructured ? structured(r) : chaos(r);
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet());
            String outcome;
            try {
                Ftrace.ftraceSetFilter(ops, p, true);
                outcome = "filter";
            } catch (FtraceException e) {
                String m = String.valueOf(e.getMessage());
                Matcher col = COLUMN.matcher(m);
                if (e.errno() != Errno.EINVAL) {
                    outcome = "wrong-errno";
                } else if (col.find()) {
                    int c = Integer.parseInt(col.group(1));
                    outcome = c >= 1 && c <= p.length() + 1 ? "einval-malformed" : "column-out-of-range";
                } else if (m.contains("matches no traceable method")) {
                    outcome = "einval-matches-nothing";
                } else if (m.startsWith("EINVAL: empty pattern")) {
                    outcome = "einval-empty";
                } else {
                    outcome = "einval-unexplained";
                }
                if (!outcome.startsWith("einval-")) {
                    failures.add(outcome + " for \"" + p + "\": " + e);
                }
            } catch (Throwable t) {
                outcome = "other-exception";
                failures.add("\"" + p + "\": " + t);
            }
            outcomes.merge(outcome, 1, Integer::sum);
            if (isStructured) {
                oracleChecked++;
                Pattern o = oracle(p);
                Set<String> expected = new TreeSet<>();
                for (String f : fodder) {
                    if (o.matcher(f).matches()) {
                        expected.add(f);
                    }
                }
                if (expected.isEmpty() != !outcome.equals("filter")) {
                    failures.add("oracle: \"" + p + "\" matches " + expected + " but the outcome is " + outcome);
                } else if (!expected.isEmpty() && i % 20 == 0) {
                    hookChecked++;
                    Ftrace.registerFtraceFunction(ops);
                    Set<String> hooked = new TreeSet<>();
                    try {
                        for (EnabledFunction ef : Ftrace.enabledFunctions()) {
                            if (ef.function().name().startsWith(FODDER)) {
                                hooked.add(ef.function().name());
                            }
                        }
                    } finally {
                        Ftrace.unregisterFtraceFunction(ops);
                    }
                    if (!hooked.equals(expected)) {
                        failures.add("\"" + p + "\" hooked " + hooked + ", the oracle says " + expected);
                    }
                }
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seed", SEED);
        f.put("inputs", n);
        outcomes.forEach(f::put);
        f.put("oracleChecked", oracleChecked);
        f.put("hookSetsChecked", hookChecked);
        f.put("failures", failures.size());
        Reliability.record("bad-input-globs", f);
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())));
        assertTrue(outcomes.getOrDefault("filter", 0) > n / 10 && outcomes.getOrDefault("einval-malformed", 0) > n / 20
                && outcomes.getOrDefault("einval-matches-nothing", 0) > n / 20, outcomes.toString());
    }

    // ---- ids ----

    @Test
    void randomIdsAreEinvalOrEnoentAndLookupNeverThrows() {
        Random r = new Random(SEED);
        long real = Ftrace.lookupIp(FODDER + "alpha");
        int n = Reliability.scale(2_000, 20_000);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long[] special = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, real + 1, real - 1, real << 1, real >>> 1, ~real, -real};
        for (int i = 0; i < n; i++) {
            long id = i < special.length ? special[i] : r.nextInt(3) == 0 ? real + r.nextInt(1 << 20) - (1 << 19)
                    : r.nextLong();
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
            String outcome;
            try {
                boolean traceable = Ftrace.lookup(id).map(fi -> fi.ip() == id).orElse(false);
                try {
                    Ftrace.ftraceSetFilterIp(ops, id, false, false);
                    outcome = traceable ? "added" : "added-untraceable";
                    Ftrace.ftraceSetFilterIp(ops, id, true, false); // and taken out again
                } catch (FtraceException e) {
                    outcome = e.errno() == Errno.EINVAL && e.getMessage().contains("names no traceable method")
                            ? "einval" : "wrong: " + e;
                }
                try {
                    Ftrace.ftraceSetFilterIp(ops, id, true, false); // removing what is not in the filter
                    outcome += "/removed?";
                } catch (FtraceException e) {
                    outcome += e.errno() == Errno.ENOENT || e.errno() == Errno.EINVAL ? "/" + e.errno() : "/wrong: " + e;
                }
            } catch (Throwable t) {
                outcome = "other-exception";
                failures.add(Long.toHexString(id) + ": " + t);
            }
            if (outcome.contains("wrong") || outcome.contains("?") || outcome.contains("untraceable")) {
                failures.add(Long.toHexString(id) + ": " + outcome);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("inputs", n);
        outcomes.forEach((k, v) -> f.put(k.replace('/', '_'), v));
        f.put("failures", failures.size());
        Reliability.record("bad-input-ids", f);
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())));
    }

    // ---- flags ----

    @Test
    void everyFlagCombination() {
        FtraceOps.Flag[] all = FtraceOps.Flag.values();
        int combos = 1 << all.length;
        int registered = 0;
        int einval = 0;
        List<String> failures = new ArrayList<>();
        for (int bits = 0; bits < combos; bits++) {
            EnumSet<FtraceOps.Flag> flags = EnumSet.noneOf(FtraceOps.Flag.class);
            for (int b = 0; b < all.length; b++) {
                if ((bits >> b & 1) != 0) {
                    flags.add(all[b]);
                }
            }
            AtomicInteger seen = new AtomicInteger();
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
                if (Thread.currentThread().getName().equals("flags-caller")) {
                    seen.incrementAndGet();
                }
            }).withFlags(flags.toArray(new FtraceOps.Flag[0]));
            boolean ipmodify = flags.contains(FtraceOps.Flag.IPMODIFY);
            boolean badIpmodify = ipmodify && !flags.contains(FtraceOps.Flag.SAVE_REGS);
            try {
                if (ipmodify && !badIpmodify) {
                    // an IPMODIFY ops with an empty filter (every method) is EINVAL
                    try {
                        Ftrace.registerFtraceFunction(ops);
                        failures.add(flags + ": IPMODIFY with an empty filter registered");
                        Ftrace.unregisterFtraceFunction(ops);
                    } catch (FtraceException e) {
                        if (e.errno() != Errno.EINVAL || Ftrace.isRegistered(ops)) {
                            failures.add(flags + " empty filter: " + e);
                        }
                        einval++;
                    }
                }
                Ftrace.ftraceSetFilter(ops, FODDER + "gamma", false);
                try {
                    Ftrace.registerFtraceFunction(ops);
                } catch (FtraceException e) {
                    if (!badIpmodify || e.errno() != Errno.EINVAL || !e.getMessage().contains("SAVE_REGS")
                            || Ftrace.isRegistered(ops)) {
                        failures.add(flags + ": " + e);
                    }
                    einval++;
                    continue;
                }
                if (badIpmodify) {
                    failures.add(flags + ": IPMODIFY without SAVE_REGS registered");
                }
                registered++;
                int[] got = new int[1];
                Thread t = new Thread(() -> {
                    if (flags.contains(FtraceOps.Flag.PER_CPU)) {
                        Ftrace.ftraceFunctionLocalEnable(ops);
                    }
                    got[0] = GlobFodder.gamma();
                }, "flags-caller");
                t.start();
                t.join();
                Ftrace.unregisterFtraceFunction(ops);
                if (got[0] != 5 || seen.get() != 1 || Ftrace.callbackErrors(ops) != 0) {
                    failures.add(flags + ": result " + got[0] + ", callbacks " + seen.get());
                }
            } catch (Throwable e) {
                failures.add(flags + ": " + e);
            } finally {
                if (Ftrace.isRegistered(ops)) {
                    Ftrace.unregisterFtraceFunction(ops);
                }
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("combinations", combos);
        f.put("registered", registered);
        f.put("einval", einval);
        f.put("failures", failures.size());
        Reliability.record("bad-input-flags", f);
        assertEquals(List.of(), failures);
        assertTrue(Ftrace.enabledFunctions().stream().noneMatch(e -> e.function().name().startsWith(FODDER)));
    }

    // ---- the command line and the agent's options ----

    record Cmd(int exit, String out) {
    }

    private static Cmd attach(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ForkedJvm.javaBin(), "-Xshare:auto", "-jar", ForkedJvm.agentJar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("OpenJDK 64-Bit Server VM warning: Sharing is only supported[^\\n]*\\n?", "");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Cmd(p.exitValue(), out.trim());
    }

    @Test
    void commandLinesAndAgentOptions() throws Exception {
        Path mark = tmp.resolve("mark");
        String meta = "$(touch " + mark + ");`touch " + mark + "`|touch " + mark + "&&'\"*?<>";
        String huge = "9".repeat(100_000);
        String usage = "usage: java -jar jftrace-agent.jar PID";
        int tried = 0;
        List<String> failures = new ArrayList<>();
        // no JVM needed: the PID is checked first
        for (String[] a : List.of(new String[0], new String[] {""}, new String[] {huge}, new String[] {"\u0661\u0662\u0663"},
                new String[] {meta}, new String[] {"12 34"}, new String[] {"-1"}, new String[] {"0"},
                new String[] {"\u00e9\uD83D\uDE00"}, new String[] {"1".repeat(19)})) {
            tried++;
            Cmd c = attach(a);
            if (c.exit() != 1 || !c.out().startsWith(usage) || c.out().lines().count() != 1) {
                failures.add(List.of(a).toString().substring(0, Math.min(40, List.of(a).toString().length())) + " -> " + c);
            }
        }
        tried++;
        Cmd gone = attach("999999999");
        if (gone.exit() != 2 || !gone.out().startsWith("cannot attach to 999999999: no such process")) {
            failures.add("no such pid -> " + gone);
        }
        // against a live JVM
        List<String> jvm = new ArrayList<>();
        if (ForkedJvm.jdkVersion() >= 21) {
            jvm.add("-XX:+EnableDynamicAgentLoading");
        }
        try (ForkedJvm t = ForkedJvm.start(jvm, AttachTarget.class)) {
            t.awaitLine(l -> l.startsWith("g=hello"), 60);
            String pid = Long.toString(t.pid());
            Object[][] cases = {
                {new String[] {pid, meta}, 1, "unknown command '" + meta + "'"},
                {new String[] {pid, "patches", meta}, 1, usage},
                {new String[] {pid, "unpatch", meta}, 1, "unpatch: TARGET \"" + meta + "\" is not"},
                {new String[] {pid, "unpatch", "\u00fc\u00f1.m\uD83D\uDE00()"}, 3,
                    "jftrace in JVM " + pid + ": ENOENT: no loaded class has a method \u00fc\u00f1.m\uD83D\uDE00()"},
                {new String[] {pid, "unpatch", "a." + "b".repeat(100_000)}, 3, "jftrace in JVM " + pid + ": ENOENT"},
                {new String[] {pid, "patch", "a.b()", "c.d()", meta}, 1, "patch: JAR "},
                {new String[] {pid, ""}, 1, "unknown command ''"},
                {new String[] {pid, "patches"}, 0, "jftrace in JVM " + pid + ": []"},
            };
            for (Object[] k : cases) {
                tried++;
                Cmd c = attach((String[]) k[0]);
                if (c.exit() != (int) k[1] || !c.out().startsWith((String) k[2]) || c.out().lines().count() != 1) {
                    failures.add(String.join(" ", (String[]) k[0]).substring(0, Math.min(60, String.join(" ",
                            (String[]) k[0]).length())) + " -> exit " + c.exit() + ": " + c.out().substring(0,
                            Math.min(300, c.out().length())));
                }
            }
            int m = t.mark();
            t.awaitLine(m, l -> l.startsWith("g=hello"), 30); // the target runs on, unchanged
        }
        // the agent's start-up options (start-up tracing, parsed strictly): no option starts jftrace as
        // before; anything else that is not NAME=VALUE stops the JVM before main with one line naming it
        for (String opt : List.of("", "x".repeat(5_000), "\u00f1\uD83D\uDE00", meta)) {
            tried++;
            try (ForkedJvm j = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar() + "=" + opt),
                    OptionTarget.class)) {
                int exit = j.waitFor(60);
                List<String> said = j.lines().stream().filter(l -> l.startsWith("[jftrace]")).toList();
                boolean ok = opt.isEmpty()
                        ? exit == 0 && j.lines().contains("AGENT true SEEN 1") && Reliability.troubles(j, List.of()).isEmpty()
                        : exit == 1 && said.size() == 1 && said.get(0).contains("unknown option")
                                && said.get(0).endsWith("(the JVM exits with status 1; the program did not run)")
                                && j.lines().stream().noneMatch(l -> l.startsWith("AGENT"));
                if (!ok) {
                    failures.add("-javaagent option " + opt.length() + " chars -> " + exit + ": "
                            + j.output().substring(0, Math.min(400, j.output().length())));
                }
            }
        }
        assertFalse(Files.exists(mark), "a shell metacharacter ran a command");
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("inputsTried", tried);
        f.put("failures", failures.size());
        Reliability.record("bad-input-command-line", f);
        assertEquals(List.of(), failures);
    }

    /** Prints whether jftrace started and hooks one call. */
    public static final class OptionTarget {
        private OptionTarget() {
        }

        public static void main(String[] args) {
            AtomicInteger seen = new AtomicInteger();
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> seen.incrementAndGet());
            GlobFodder.beta();
            Ftrace.ftraceSetFilter(ops, FODDER + "beta", false);
            Ftrace.registerFtraceFunction(ops);
            GlobFodder.beta();
            Ftrace.unregisterFtraceFunction(ops);
            System.out.println("AGENT " + Ftrace.isInstalled() + " SEEN " + seen.get());
        }
    }
}
