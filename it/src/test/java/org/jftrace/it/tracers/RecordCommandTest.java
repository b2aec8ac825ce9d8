package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jftrace record} (the command's jar, a process of its own) against a running JVM
 * ({@link RecordTarget}): the trace holds the target's calls, nested; afterwards nothing is
 * hooked there; Ctrl-C stops the tracer and writes the file too; a second recording at once fails
 * with exit 3; {@code report} prints the summary.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecordCommandTest {
    private static final String T = RecordTarget.class.getName() + ".";

    @TempDir
    Path tmp;

    private static ForkedJvm target() throws Exception {
        List<String> jvm = new ArrayList<>();
        if (ForkedJvm.jdkVersion() >= 21) {
            jvm.add("-XX:+EnableDynamicAgentLoading");
        }
        ForkedJvm t = ForkedJvm.start(jvm, RecordTarget.class);
        t.awaitLine(l -> l.startsWith("r="), 60);
        return t;
    }

    /** The nesting as printed: outer opens at depth 0, inner is a leaf inside it. */
    private static void assertNestedCalls(List<String> text) {
        int open = -1;
        for (int i = 0; i < text.size() && open < 0; i++) {
            if (text.get(i).endsWith("|  " + T + "outer() {")) {
                open = i;
            }
        }
        assertTrue(open >= 0, "outer's entry line:\n" + String.join("\n", text));
        assertTrue(text.get(open + 1).endsWith("|    " + T + "inner();"), text.get(open + 1));
        assertTrue(text.get(open + 2).endsWith("|    " + T + "inner();"), text.get(open + 2));
        assertTrue(text.get(open + 3).matches("^ \\d+\\) .* \\|  }$"), text.get(open + 3));
    }

    private static void assertNothingHooked(ForkedJvm t) throws Exception {
        CliProcess enabled = CliProcess.run("enabled", "-p", Long.toString(t.pid()));
        assertEquals(0, enabled.exit(), enabled.toString());
        assertEquals("", enabled.out(), "enabled_functions after record: " + enabled);
    }

    @Test
    void recordsTheCallsThenNothingIsHookedAndReportSummarises() throws Exception {
        Path out = tmp.resolve("r.trace");
        try (ForkedJvm t = target()) {
            long start = System.nanoTime();
            CliProcess r = CliProcess.run("record", "-p", Long.toString(t.pid()), "-l", T + "outer", "-l", T + "inner",
                    "--duration", "1.5", "-o", out.toString());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.out(), "the trace went to the file");
            assertTrue(r.err().contains("jftrace: recording function_graph on 2 methods of JVM " + t.pid() + " for 1.5 s"),
                    r.err());
            assertTrue(r.err().matches("(?s).*jftrace: [\\d,]+ events in 1\\.\\d s, written to " + out + "\n"), r.err());
            System.out.println("record --duration 1.5 took " + millis + " ms");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
            List<String> text = Files.readAllLines(out);
            assertTrue(text.get(0).startsWith("# jftrace: tracer=function_graph events="), text.get(0));
            assertEquals("# tracer: function_graph", text.get(1));
            assertNestedCalls(text);
            assertNothingHooked(t);
            int mark = t.mark();
            t.awaitLine(mark, l -> l.equals("r=15"), 30); // and the program runs on, untouched
        }
        CliProcess report = CliProcess.run("report", out.toString());
        assertEquals(0, report.exit(), report.toString());
        String first = report.out().lines().findFirst().orElse("");
        long events = Long.parseLong(Files.readAllLines(out).get(0).replaceAll(".* events=(\\d+) .*", "$1"));
        assertTrue(events >= 8, "at least two outer calls in 1.5 s: " + events);
        assertTrue(first.matches("function_graph: [\\d,]+ events, 0 lost, 0 overrun, in 1\\.\\d+ s, JVM \\d+ "
                + "\\(tracer=function_graph,filter=" + T.replace(".", "\\.") + "outer;" + T.replace(".", "\\.")
                + "inner\\)"), first);
        assertTrue(first.startsWith("function_graph: " + String.format(java.util.Locale.ROOT, "%,d", events) + " events"),
                first);
        assertEquals(String.join("\n", Files.readAllLines(out).subList(1, Files.readAllLines(out).size())),
                String.join("\n", report.out().lines().skip(1).toList()), "then the file, as recorded");
    }

    @Test
    void ctrlCStopsTheTracerAndWritesTheFile() throws Exception {
        Path out = tmp.resolve("c.trace");
        try (ForkedJvm t = target()) {
            CliProcess r = CliProcess.start("record", "-p", Long.toString(t.pid()), "-l", T + "outer", "-l", T + "inner",
                    "-o", out.toString());
            r.awaitErr("until Ctrl-C", 60);
            Thread.sleep(500);
            long start = System.nanoTime();
            r.interrupt();
            assertEquals(0, r.waitFor(60), r.toString());
            System.out.println("record stopped " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms after SIGINT");
            assertTrue(r.err().contains("events in "), r.err());
            assertNestedCalls(Files.readAllLines(out));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
            assertNothingHooked(t);
        }
    }

    @Test
    void oneRecordingAtATimeTheSecondFailsWithExit3() throws Exception {
        try (ForkedJvm t = target()) {
            String pid = Long.toString(t.pid());
            CliProcess first = CliProcess.start("record", "-p", pid, "-l", T + "outer", "-o", tmp.resolve("1").toString());
            first.awaitErr("until Ctrl-C", 60);
            CliProcess second = CliProcess.run("record", "-p", pid, "-l", T + "inner", "--duration", "1");
            assertEquals(3, second.exit(), second.toString());
            assertEquals("", second.out());
            assertTrue(second.err().contains("jftrace: jftrace in JVM " + pid + ": EBUSY: JVM " + pid
                    + " is recording already (tracer=function_graph,filter=" + T + "outer): one recording at a time"),
                    second.err());
            first.interrupt();
            assertEquals(0, first.waitFor(60), first.toString());
            assertTrue(Files.readString(tmp.resolve("1")).contains(T + "outer()"), "the first went on");
            assertNothingHooked(t);
        }
    }

    @Test
    void resetStopsTheRecordingOfAKilledCommand() throws Exception {
        try (ForkedJvm t = target()) {
            String pid = Long.toString(t.pid());
            CliProcess killed = CliProcess.start("record", "-p", pid, "-l", T + "outer", "-o", tmp.resolve("k").toString());
            killed.awaitErr("until Ctrl-C", 60);
            killed.process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook stops the tracer
            CliProcess reset = CliProcess.run("reset", "-p", pid);
            assertEquals(0, reset.exit(), reset.toString());
            assertTrue(reset.out().contains("stopped the recording (tracer=function_graph,filter=" + T + "outer)"),
                    reset.toString());
            assertNothingHooked(t);
            CliProcess again = CliProcess.run("record", "-p", pid, "-l", T + "inner", "--duration", "1",
                    "-o", tmp.resolve("again").toString());
            assertEquals(0, again.exit(), "a new recording can start: " + again);
        }
    }

    @Test
    void aMalformedGlobIsExit1BeforeAnyAttach() throws Exception {
        CliProcess r = CliProcess.run("record", "-p", Long.toString(ProcessHandle.current().pid()), "-l", "a.[b");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("jftrace: record: option filter: EINVAL: malformed filter \"a.[b\" at column 3"),
                r.err());
    }
}
