package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jftrace.cli.Processes.Run;
import org.jftrace.cli.Processes.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jftrace cat|echo|stream|stat|run}, end to end: the real jar as a separate process against
 * a real target JVM. Every test ends by checking the target is as before (current_tracer nop, no
 * method hooked) where the command promises it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TracefsCommandIT {
    private static final String LOOP = LoopTarget.class.getName();
    private static final String GREET = LOOP + ".greet";
    private static final String COUNTED = CountedProgram.class.getName();
    private static final String CDS_WARNING = "Sharing is only supported for boot loader classes";

    private static Run ok(String... args) throws Exception {
        Run r = Processes.jftrace(args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private static Run fails(int exit, String err, String... args) throws Exception {
        Run r = Processes.jftrace(args);
        assertEquals(exit, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().contains(err), r.toString());
        return r;
    }

    private static void assertUntouched(Target t) throws Exception {
        assertEquals("nop\n", ok("cat", "-p", t.pid(), "current_tracer").out());
        assertEquals("0\n", ok("cat", "-p", t.pid(), "function_profile_enabled").out());
        assertEquals("", ok("cat", "-p", t.pid(), "enabled_functions").out(), "no method hooked: original bytecode");
        List<String> other = t.lines().stream().filter(l -> !l.equals("ready") && !l.startsWith("g="))
                .collect(Collectors.toList());
        assertTrue(other.isEmpty() || other.size() == 1 && other.get(0).contains(CDS_WARNING), other::toString);
    }

    @Test
    void catAndEchoDriveTheFunctionTracerAndEchoToTraceClears() throws Exception {
        try (Target t = Target.start()) {
            ok("echo", "-p", t.pid(), "set_ftrace_filter", GREET);
            assertEquals(GREET + "\n", ok("cat", "-p", t.pid(), "set_ftrace_filter").out());
            assertEquals("", ok("cat", "-p", t.pid(), "enabled_functions").out(), "a filter alone hooks nothing");
            ok("echo", "-p", t.pid(), "current_tracer", "function");
            assertEquals("function\n", ok("cat", "-p", t.pid(), "current_tracer").out());
            assertEquals(GREET + "() (1)\n", ok("cat", "-p", t.pid(), "enabled_functions").out());
            int mark = t.mark();
            t.await(mark + 3, l -> l.startsWith("g="), 30); // greet ran again, traced
            String trace = ok("cat", "-p", t.pid(), "trace").out();
            assertTrue(trace.startsWith("# tracer: function\n"), trace);
            List<String> events = events(trace);
            assertTrue(events.size() >= 3, trace);
            assertTrue(events.stream().allMatch(l -> l.matches(" *main-\\d+ +\\[\\d{3}] +\\d+\\.\\d{6}: " + GREET.replace(".", "\\.")
                    + " <-\\?")), trace);

            ok("echo", "-p", t.pid(), "tracing_on", "0");
            ok("echo", "-p", t.pid(), "trace");
            trace = ok("cat", "-p", t.pid(), "trace").out();
            assertTrue(trace.contains("# entries-in-buffer/entries-written: 0/0 "), trace);
            assertEquals(List.of(), events(trace));
            ok("echo", "-p", t.pid(), "tracing_on", "1");
            mark = t.mark();
            t.await(mark + 2, l -> l.startsWith("g="), 30);
            assertFalse(events(ok("cat", "-p", t.pid(), "trace").out()).isEmpty(), "recording again");

            ok("echo", "-p", t.pid(), "current_tracer", "nop");
            assertUntouched(t);
        }
    }

    /** The stream's thread ends with it: the target's threads, as jcmd prints them. */
    private static void assertNoStreamThread(Target t) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Run r;
        do {
            r = Processes.run(List.of(jcmd, t.pid(), "Thread.print"), java.util.Map.of());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("\"main\""), r.toString());
        } while (r.out().contains("\"jftrace-stream\"") && System.nanoTime() < end && sleep());
        assertFalse(r.out().contains("\"jftrace-stream\""), r.out());
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private static List<String> events(String trace) {
        return trace.lines().filter(l -> !l.startsWith("#")).collect(Collectors.toList());
    }

    @Test
    void aMalformedGlobATriggerOrAGlobMatchingNothingFailsAndChangesNothing() throws Exception {
        try (Target t = Target.start()) {
            ok("echo", "-p", t.pid(), "set_ftrace_filter", GREET);
            fails(3, "EINVAL: set_ftrace_filter: malformed filter \"" + LOOP + ".[gr\" at column",
                    "echo", "-p", t.pid(), "set_ftrace_filter", LOOP + ".[gr");
            fails(3, "EINVAL: set_ftrace_filter:", "echo", "-p", t.pid(), "--append", "set_ftrace_filter",
                    LOOP + ".main no.such.Class.*");
            fails(3, "EINVAL: set_ftrace_filter: trigger '" + GREET + ":traceof': unknown trigger command 'traceof'",
                    "echo", "-p", t.pid(), "set_ftrace_filter", GREET + ":traceof");
            assertEquals(GREET + "\n", ok("cat", "-p", t.pid(), "set_ftrace_filter").out());
            fails(3, "EINVAL: current_tracer: 'blk' is no tracer", "echo", "-p", t.pid(), "current_tracer", "blk");
            assertUntouched(t);
        }
    }

    @Test
    void anUnknownFileIsEnoentAndAReadOnlyFileEacces() throws Exception {
        try (Target t = Target.start()) {
            fails(3, "ENOENT: set_ftrace_filtre: no such file", "cat", "-p", t.pid(), "set_ftrace_filtre");
            fails(3, "ENOENT: tracing_of: no such file", "echo", "-p", t.pid(), "tracing_of", "1");
            fails(3, "EACCES: available_tracers: is read-only", "echo", "-p", t.pid(), "available_tracers", "x");
            fails(3, "EACCES: trace_stat/function: is read-only", "echo", "-p", t.pid(), "trace_stat/function");
            assertEquals("function_graph function nop\n", ok("cat", "-p", t.pid(), "available_tracers").out());
            assertUntouched(t);
        }
    }

    @Test
    void streamPrintsEventsAsTheyComeAndRestoresTheTarget() throws Exception {
        try (Target t = Target.start(); Background s = Background.jftrace("stream", "-v", "-p", t.pid(), "-l", GREET)) {
            s.awaitErr(l -> l.contains("streaming trace_pipe of JVM " + t.pid()), 60);
            long start = System.nanoTime();
            s.awaitOut(l -> l.endsWith(": " + GREET + " <-?"), 10);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 5_000, "the first event took " + millis + " ms");
            assertEquals("function\n", ok("cat", "-p", t.pid(), "current_tracer").out());
            int exit = s.stop(); // SIGTERM: the Ctrl-C path (shutdown hook)
            assertEquals(0, exit, s.toString());
            assertTrue(s.out().stream().allMatch(l -> l.endsWith(": " + GREET + " <-?")), s::toString);
            assertUntouched(t);
            assertEquals("#### all functions enabled ####\n", ok("cat", "-p", t.pid(), "set_ftrace_filter").out());
            assertNoStreamThread(t);
        }
    }

    /**
     * jftrace's own threads are not traced: a stream of the JDK's socket and file code used to trace
     * the stream thread's own writes of the events (and each of those writes again: a million lines in
     * 3 s), and the commands' own file and socket work on the attach listener and the doorbell.
     */
    @Test
    void aStreamOfTheJdksSocketCodeShowsNoneOfJftracesOwnWork() throws Exception {
        try (Target t = Target.start(); Background s = Background.jftrace("stream", "-v", "-p", t.pid(), "-l",
                "sun.nio.ch.*", "-l", "java.nio.file.Files.*", "--duration", "3")) {
            // not before: two first attaches at once can make the JVM print a thread dump (its SIGQUIT)
            s.awaitErr(l -> l.contains("streaming trace_pipe of JVM " + t.pid()), 60);
            for (int i = 0; i < 3; i++) {
                ok("cat", "-p", t.pid(), "current_tracer"); // more of jftrace's socket and file work meanwhile
            }
            assertEquals(0, s.process.waitFor(60, TimeUnit.SECONDS) ? s.process.exitValue() : -1, s.toString());
            assertEquals(List.of(), s.out(), "the target itself does no socket or file work");
            assertUntouched(t);
        }
    }

    @Test
    void aKilledStreamStillRestoresTheTargetAndAnEchoSetUpIsOnlyRead() throws Exception {
        try (Target t = Target.start()) {
            try (Background s = Background.jftrace("stream", "-v", "-p", t.pid(), "-l", GREET, "-t", "function_graph")) {
                s.awaitOut(l -> l.endsWith("|  " + GREET + "();"), 60);
                s.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: the socket closes all the same
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ok("cat", "-p", t.pid(), "current_tracer").out().equals("nop\n") && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertUntouched(t);
            assertNoStreamThread(t);

            ok("echo", "-p", t.pid(), "set_ftrace_filter", GREET);
            ok("echo", "-p", t.pid(), "current_tracer", "function");
            fails(3, "EBUSY", "stream", "-p", t.pid(), "-l", LOOP + ".main");
            try (Background s = Background.jftrace("stream", "-p", t.pid(), "--duration", "1")) {
                assertEquals(0, s.process.waitFor(60, TimeUnit.SECONDS) ? s.process.exitValue() : -1, s.toString());
                s.awaitOut(l -> l.endsWith(": " + GREET + " <-?"), 5);
            }
            assertEquals("function\n", ok("cat", "-p", t.pid(), "current_tracer").out(), "the user's set-up stays");
            ok("reset", "-p", t.pid());
            assertUntouched(t);
        }
    }

    @Test
    void statCountsTheCallsMadeWhileItRuns() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Processes.java()));
        if (Runtime.version().feature() >= 21) {
            cmd.add("-XX:+EnableDynamicAgentLoading");
        }
        cmd.addAll(List.of("-cp", classes(), COUNTED, "wait", "1234"));
        try (Background target = Background.start(cmd)) {
            target.awaitOut("ready"::equals, 60);
            String pid = Long.toString(target.process.pid());
            try (Background stat = Background.jftrace("stat", "-v", "-p", pid, "-l", COUNTED + ".work")) {
                stat.awaitErr(l -> l.contains("profiling of JVM " + pid), 60);
                target.send("go");
                target.awaitOut(l -> l.startsWith("done "), 60);
                assertEquals(0, stat.stop(), stat.toString());
                List<String> rows = stat.out().stream().filter(l -> l.startsWith("  " + COUNTED + ".work "))
                        .collect(Collectors.toList());
                assertEquals(1, rows.size(), stat::toString);
                assertTrue(rows.get(0).matches("  " + COUNTED.replace(".", "\\.") + "\\.work +1234 +.* us.*"), rows.get(0));
            }
            assertEquals("0\n", ok("cat", "-p", pid, "function_profile_enabled").out());
            assertEquals("", ok("cat", "-p", pid, "enabled_functions").out());
            target.send("end");
        }
    }

    @Test
    void runTracesAProgramFromItsStart() throws Exception {
        Run r = ok("run", "-l", COUNTED + ".*", "--", Processes.java(), "-cp", classes(), COUNTED, "3");
        List<String> lines = r.out().lines().collect(Collectors.toList());
        assertEquals("done 24", lines.get(0), r.toString()); // the program's own output first
        assertTrue(lines.get(1).startsWith("# jftrace: tracer=function_graph events=8 lost=0 "), r.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("|  " + COUNTED + ".main() {")), r.toString());
        assertEquals(3, lines.stream().filter(l -> l.endsWith("|    " + COUNTED + ".work();")).count(), r.toString());
        assertFalse(r.err().contains("jftrace"), r.toString());

        r = ok("run", "-t", "profile", "-l", COUNTED + ".work", "--", Processes.java(), "-cp", classes(), COUNTED, "5");
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  " + COUNTED.replace(".", "\\.") + "\\.work +5 .*")), r.toString());

        fails(1, "run: option max_graph_depth: only the function_graph tracer", "run", "-t", "function", "-l",
                COUNTED + ".*", "--max-graph-depth", "2", "--", Processes.java(), "-cp", classes(), COUNTED, "3");
    }

    private static String classes() throws Exception {
        return Path.of(CountedProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** A process running meanwhile, its standard output and error read line by line. */
    static final class Background implements AutoCloseable {
        final Process process;
        private final List<String> out = new ArrayList<>();
        private final List<String> err = new ArrayList<>();
        private final Thread[] readers;

        private Background(Process p) {
            this.process = p;
            this.readers = new Thread[] {reader(p.getInputStream(), out), reader(p.getErrorStream(), err)};
        }

        static Background start(List<String> cmd) throws IOException {
            return new Background(new ProcessBuilder(cmd).start());
        }

        static Background jftrace(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Processes.java(), "-jar", Processes.cliJar().toString()));
            cmd.addAll(List.of(args));
            return start(cmd);
        }

        private static Thread reader(InputStream in, List<String> to) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (to) {
                            to.add(l);
                            to.notifyAll();
                        }
                    }
                } catch (IOException ended) {
                    // the process ended
                }
            }, "background-reader");
            t.setDaemon(true);
            t.start();
            return t;
        }

        void send(String line) throws IOException {
            OutputStream o = process.getOutputStream();
            o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
        }

        void awaitOut(Predicate<String> p, int seconds) throws InterruptedException {
            await(out, p, seconds);
        }

        void awaitErr(Predicate<String> p, int seconds) throws InterruptedException {
            await(err, p, seconds);
        }

        private void await(List<String> lines, Predicate<String> p, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (lines.stream().noneMatch(p)) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no such line after " + seconds + " s:\n" + this);
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /**
         * SIGTERM, which runs the shutdown hooks as Ctrl-C does; {@return the exit code} once its
         * output is read. Through the handle: {@code Process.destroy()} also closes our ends of its
         * pipes, losing what it prints as it stops.
         */
        int stop() throws InterruptedException {
            process.toHandle().destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "did not end: " + this);
            for (Thread r : readers) {
                r.join(5_000);
            }
            return process.exitValue();
        }

        List<String> out() {
            synchronized (out) {
                return new ArrayList<>(out);
            }
        }

        @Override
        public String toString() {
            synchronized (out) {
                synchronized (err) {
                    return "--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
