package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jftrace.cli.Processes.Run;
import org.jftrace.cli.Processes.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code jftrace} command as a person sees it: run through the launcher script in a real
 * terminal (a tmux session of its own, 110 x 30), its screen captured and printed into the test's
 * output, and checked: the help screen, the progress lines of {@code record}, and Ctrl-C (a real
 * SIGINT from the terminal) stopping the recording, printing the trace, and leaving the target
 * running with its original code (nothing hooked).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TerminalIT {
    private static final String GREET = LoopTarget.class.getName() + ".greet()";
    private final String socket = "jftrace-test-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void tmux() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/bin/tmux")),
                "tmux is not installed (.ci/run installs it where it can)");
    }

    @AfterEach
    void killServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void helpOnTheScreen() throws Exception {
        open("sh " + Processes.script() + " --help; echo EXIT=$?; sleep 60");
        String screen = awaitScreen(s -> s.contains("EXIT="), 60);
        show("jftrace --help", screen);
        assertTrue(screen.contains("Usage: jftrace"), screen);
        for (String command : List.of("ps", "list", "record", "report", "stream", "stat", "cat", "echo", "run", "reset")) {
            assertTrue(screen.lines().anyMatch(l -> l.trim().startsWith(command + " ")), command + " missing:\n" + screen);
        }
        assertTrue(screen.contains("EXIT=0"), screen);
    }

    @Test
    void recordShowsProgressAndCtrlCStopsItAndRestoresTheTarget() throws Exception {
        try (Target t = Target.start()) {
            open("sh " + Processes.script() + " record -p " + t.pid() + " -l '" + GREET + "'; echo EXIT=$?; sleep 60");
            String recording = awaitScreen(s -> s.contains("until Ctrl-C"), 60);
            show("jftrace record, recording", recording);
            assertTrue(recording.contains("jftrace: starting function_graph in JVM " + t.pid() + " on " + GREET), recording);
            assertTrue(recording.contains("jftrace: recording function_graph on 1 methods of JVM " + t.pid()
                    + " until Ctrl-C"), recording);
            int mark = t.mark();
            t.await(mark, l -> l.startsWith("g=hello"), 30); // at least one traced call

            tmux("send-keys", "-t", "t", "C-c");
            String after = awaitScreen(s -> s.contains("EXIT="), 60);
            show("jftrace record, after Ctrl-C", after);
            assertTrue(after.contains("EXIT=0"), after);
            assertTrue(after.lines().anyMatch(l -> l.matches("jftrace: [0-9,]+ events in [0-9.]+ s.*")), after);
            assertTrue(after.contains("|  " + LoopTarget.class.getName() + ".greet();"), "the trace on the screen:\n" + after);

            // the target runs on, with nothing hooked
            Run enabled = Processes.jftrace("enabled", "-p", t.pid());
            assertEquals(0, enabled.exit(), enabled.toString());
            assertEquals("", enabled.out(), enabled.toString());
            mark = t.mark();
            t.await(mark, l -> l.startsWith("g=hello"), 30);
        }
    }

    /** Starts the session's shell command {@code command} in the cli module's directory. */
    private void open(String command) throws Exception {
        Run r = tmux("new-session", "-d", "-s", "t", "-x", "110", "-y", "30", command);
        assertEquals(0, r.exit(), r.toString());
    }

    /** {@return the screen (without trailing blank lines) once {@code done} holds}; fails after {@code seconds} */
    private String awaitScreen(Predicate<String> done, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String screen = "";
        while (System.nanoTime() < end) {
            // the whole history: what scrolled off the top is what a person scrolls back to
            screen = tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t").out().stripTrailing();
            if (done.test(screen)) {
                return screen;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the screen never showed what was expected; it shows:\n" + screen);
    }

    private static void show(String title, String screen) {
        System.out.println("---- screen: " + title + " ----");
        System.out.println(screen);
        System.out.println("---- end of screen ----");
    }

    /** Runs tmux on this test's own server; the server gets the launcher's JAVA_HOME (this JDK). */
    private Run tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return Processes.run(cmd, env);
    }
}
