package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jftrace.cli.Processes.Run;
import org.jftrace.cli.Processes.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jftrace record} and {@code jftrace run} with {@code --trigger}, {@code --threads},
 * {@code --clock} and {@code --parents}: the real jar against a real target ({@link WiringTarget},
 * two threads calling {@code outer { inner; inner }}), what the trace holds, and that nothing is
 * left hooked afterwards (the triggers' ops included).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecordWiringIT {
    private static final String T = WiringTarget.class.getName() + ".";
    private static final String COUNTED = CountedProgram.class.getName();

    @TempDir
    Path tmp;

    private static Target target() throws Exception {
        return Target.start(WiringTarget.class, "w=", List.of());
    }

    private static List<String> events(List<String> text) {
        return text.stream().filter(l -> !l.startsWith("#") && l.contains(": " + T)).collect(Collectors.toList());
    }

    private static void assertNothingHooked(Target t) throws Exception {
        Run enabled = Processes.jftrace("cat", "-p", t.pid(), "enabled_functions");
        assertEquals(0, enabled.exit(), enabled.toString());
        assertEquals("", enabled.out(), "enabled_functions after record: " + enabled);
    }

    @Test
    void threadsClockParentsAndAStacktraceTrigger() throws Exception {
        Path out = tmp.resolve("w.trace");
        try (Target t = target()) {
            Run r = Processes.jftrace("record", "-p", t.pid(), "-t", "function", "-l", T + "outer", "-l", T + "inner",
                    "--threads", "wiring-worker", "--clock", "counter", "--parents", "nearest",
                    "--trigger", T + "inner:stacktrace:1", "--duration", "1.5", "-o", out.toString());
            assertEquals(0, r.exit(), r.toString());
            List<String> text = Files.readAllLines(out);
            assertTrue(text.get(0).contains(" options=tracer=function,filter=" + T + "outer;" + T + "inner,trigger=" + T
                    + "inner:stacktrace:1,threads=wiring-worker,clock=counter,parents=nearest"), text.get(0));
            assertTrue(text.contains("# trace_clock: counter (a count of the ring's events: order only, no time; "
                    + "TIMESTAMP is the count)"), String.join("\n", text));
            List<String> e = events(text);
            assertTrue(e.size() >= 6, String.join("\n", text));
            assertTrue(e.stream().allMatch(l -> l.contains("wiring-worker-")), "only the worker: " + String.join("\n", e));
            List<String> inner = e.stream().filter(l -> l.contains(": " + T + "inner <-")).collect(Collectors.toList());
            // all but a call open when the hooks went in (its outer entry unseen: <-~??)
            assertTrue(inner.size() >= 4 && inner.stream().filter(l -> !l.endsWith(" <-~" + T + "outer")).count() <= 2,
                    String.join("\n", e));
            assertEquals(1, text.stream().filter(l -> l.endsWith("<stack trace>")).count(), String.join("\n", text));
            assertTrue(text.contains(" => " + T + "outer"), String.join("\n", text));
            assertNothingHooked(t);
            int mark = t.mark();
            t.await(mark, l -> l.equals("m=15"), 30); // and the program runs on
        }
    }

    @Test
    void aTraceoffTriggerEndsTheTraceAtItsFunction() throws Exception {
        Path out = tmp.resolve("off.trace");
        try (Target t = target()) {
            Run r = Processes.jftrace("record", "-p", t.pid(), "-l", T + "outer", "-l", T + "inner",
                    "--trigger", T + "outer:traceoff:1", "--duration", "1", "-o", out.toString());
            assertEquals(0, r.exit(), r.toString());
            List<String> text = Files.readAllLines(out);
            long events = Long.parseLong(text.get(0).replaceAll(".* events=(\\d+) .*", "$1"));
            // off at the first outer once the trigger is in (tracing is off while it goes in): a call or
            // two at most, of the ~100 a second the two threads make
            assertTrue(events <= 8, "off at the first outer: " + String.join("\n", text));
            assertTrue(text.stream().anyMatch(l -> l.contains(T + "outer")) || events == 0, String.join("\n", text));
            assertNothingHooked(t);
        }
    }

    @Test
    void badValuesAreExit1BeforeAnyAttach() throws Exception {
        String pid = Long.toString(ProcessHandle.current().pid());
        String[][] cases = {
            {"--clock", "global", "jftrace: record: option clock: EINVAL: unknown trace_clock 'global'"},
            {"--parents", "caller", "jftrace: record: option parents: 'caller' is not a way to record parents"},
            {"--trigger", "a.B.c:traceof", "jftrace: record: option trigger: EINVAL: trigger 'a.B.c:traceof': unknown "
                + "trigger command 'traceof'"},
            {"--threads", "pool-[1", "jftrace: record: option threads: EINVAL: thread name glob 'pool-[1'"},
        };
        for (String[] c : cases) {
            Run r = Processes.jftrace("record", "-p", pid, "-t", "function", "-l", "a.B.*", c[0], c[1]);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith(c[2]), r.toString());
        }
        Run r = Processes.jftrace("record", "-p", pid, "-l", "a.B.*", "--parents", "exact");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("jftrace: record: option parents: only the function tracer"), r.toString());
    }

    @Test
    void streamWithThreadsShowsOnlyThoseAndPutsSetFtracePidBack() throws Exception {
        try (Target t = target(); TracefsCommandIT.Background s = TracefsCommandIT.Background.jftrace("stream", "-p",
                t.pid(), "-l", T + "outer", "--threads", "wiring-worker", "--duration", "2")) {
            assertTrue(s.process.waitFor(60, TimeUnit.SECONDS), s.toString());
            assertEquals(0, s.process.exitValue(), s.toString());
            s.awaitOut(l -> l.endsWith(": " + T + "outer <-?"), 10);
            assertTrue(s.out().stream().allMatch(l -> l.contains("wiring-worker-") && l.endsWith(": " + T + "outer <-?")),
                    s.toString());
            assertEquals("no pid\n", Processes.jftrace("cat", "-p", t.pid(), "set_ftrace_pid").out());
            assertEquals("nop\n", Processes.jftrace("cat", "-p", t.pid(), "current_tracer").out());
            assertNothingHooked(t);
        }
        Run bad = Processes.jftrace("stream", "-p", Long.toString(ProcessHandle.current().pid()), "-l", "a.B.*",
                "--threads", "pool-[1");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--threads: EINVAL: thread name glob 'pool-[1'"), bad.toString());
        Run alone = Processes.jftrace("stat", "-p", Long.toString(ProcessHandle.current().pid()), "--threads", "main");
        assertEquals(1, alone.exit(), alone.toString());
        assertTrue(alone.err().contains("stat: --threads needs -l GLOB"), alone.toString());
    }

    @Test
    void runTakesTheSameOptions() throws Exception {
        String classes = Path.of(CountedProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Run none = Processes.jftrace("run", "-t", "function", "-l", COUNTED + ".work", "--threads", "nobody-*", "--",
                Processes.java(), "-cp", classes, COUNTED, "5");
        assertEquals(0, none.exit(), none.toString());
        assertTrue(none.out().contains("# jftrace: tracer=function events=0 "), none.toString());
        Run main = Processes.jftrace("run", "-t", "function", "-l", COUNTED + ".work", "--threads", "main",
                "--clock", "uptime", "--", Processes.java(), "-cp", classes, COUNTED, "5");
        assertEquals(0, main.exit(), main.toString());
        assertTrue(main.out().contains("# jftrace: tracer=function events=5 "), main.toString());
        assertTrue(main.out().contains("# trace_clock: uptime "), main.toString());
        Run off = Processes.jftrace("run", "-t", "function", "-l", COUNTED + ".work", "--trigger",
                COUNTED + ".main:traceoff", "--", Processes.java(), "-cp", classes, COUNTED, "5");
        assertEquals(0, off.exit(), off.toString());
        assertTrue(off.out().contains("# jftrace: tracer=function events=0 "), "off before the first work: " + off);
    }
}
