package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jftrace.it.ForkedJvm;

/**
 * The tracers' options in a real JVM with the agent ({@link TracerOptionsScenarios}, forked once):
 * nearest-traced parents against a known call tree, the thread filter with function-fork.
 */
class TracerOptionsJvmTest {
    static final String W = TracerOptionsScenarios.W;
    static final String T = TracerOptionsScenarios.TREE;

    @TempDir
    static Path out;
    static Properties facts = new Properties();

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(TracerOptionsScenarios.class, out);
    }

    static List<String> read(String file) throws IOException {
        return Files.readAllLines(out.resolve(file));
    }

    /** {@return "function <-parent" of each event line of {@code task}, or of every task when null} */
    static List<String> calls(List<String> text, String task) {
        List<String> l = new ArrayList<>();
        for (String s : text) {
            if (s.startsWith("#")) {
                continue;
            }
            Matcher m = FunctionTracerJvmTest.LINE.matcher(s);
            assertTrue(m.matches(), "not the kernel's line layout: '" + s + "'");
            if (task == null || m.group(1).trim().equals(task)) {
                l.add(m.group(6) + " <-" + m.group(7));
            }
        }
        return l;
    }

    static List<String> tasks(List<String> text) {
        List<String> l = new ArrayList<>();
        for (String s : text) {
            Matcher m = FunctionTracerJvmTest.LINE.matcher(s);
            if (!s.startsWith("#") && m.matches()) {
                l.add(m.group(1).trim() + "-" + m.group(2));
            }
        }
        return l;
    }

    @Test
    void nearestParentSkipsTheUntracedFrameAndIsMarked() throws IOException {
        List<String> text = read("parents-nearest.txt");
        assertTrue(text.contains("# <-~parent: the nearest traced frame (option parents nearest: the innermost traced call "
                + "open on the thread; the caller when the caller is traced); <-~??: no traced call open"), "legend");
        assertEquals(List.of(W + "a <-~??", W + "b <-~" + W + "a", W + "d <-~" + W + "b", W + "d <-~??"),
                calls(text, "tree"));
    }

    @Test
    void exactParentIsTheRealCallerUnmarked() throws IOException {
        List<String> got = calls(read("parents-exact.txt"), "tree");
        assertEquals(4, got.size(), got.toString());
        assertTrue(got.get(0).startsWith(W + "a <-org.jftrace.it.tracers.TracerOptionsScenarios.lambda$parents$"), got.get(0));
        assertEquals(W + "b <-" + W + "a", got.get(1));
        assertEquals(W + "d <-" + W + "c", got.get(2), "the exact caller is the untraced c");
    }

    @Test
    void nearestParentsFollowRecursionAndExceptions() throws IOException {
        String run = T + "run";
        assertEquals(List.of(run + " <-~??", T + "leaf <-~" + run, T + "leaf <-~" + run, T + "nest <-~" + run,
                T + "leaf <-~" + T + "nest", T + "fact <-~" + run, T + "fact <-~" + T + "fact", T + "fact <-~" + T + "fact",
                T + "catcher <-~" + run, T + "middle <-~" + T + "catcher", T + "thrower <-~" + T + "middle",
                // after the exception unwound middle and thrower, run is the innermost again
                T + "pause <-~" + run), calls(read("parents-calltree.txt"), "calltree"));
    }

    @Test
    void threadFilterByNameAndIdOnTheFunctionTracer() throws IOException {
        List<String> text = read("pid-function.txt");
        List<String> names = tasks(text).stream().map(s -> s.substring(0, s.lastIndexOf('-'))).toList();
        assertEquals(5, names.stream().filter("pick-1"::equals).count());
        assertEquals(3, names.stream().filter("byid"::equals).count());
        assertEquals(2, names.stream().filter("anyone"::equals).count(), "no filter: every thread");
        assertEquals(10, names.size(), "skip-1 and pick-2 (not selected then) left out: " + names);
    }

    @Test
    void functionForkFollowsThreadsTheTracedThreadStarts() throws IOException {
        List<String> ts = tasks(read("pid-fork.txt"));
        assertEquals(1, ts.stream().filter(s -> s.startsWith("parent-")).count());
        assertEquals(2, ts.stream().filter(s -> s.startsWith("kid-")).count());
        assertEquals(0, ts.stream().filter(s -> s.startsWith("stranger-")).count());
        if (ForkedJvm.jdkVersion() >= 21) {
            String vt = facts.getProperty("fork.virtualTid");
            assertEquals(3, ts.stream().filter(s -> s.endsWith("-" + vt)).count(), "the virtual child: " + ts);
            assertEquals(6, ts.size(), ts.toString());
        } else {
            assertEquals(3, ts.size(), ts.toString());
        }
    }

    @Test
    void threadFilterOnFunctionGraphAndTheProfiler() throws IOException {
        List<String> text = read("pid-graph.txt");
        assertEquals(5, text.stream().filter(s -> s.endsWith(W + "tick();")).count());
        assertTrue(text.stream().noneMatch(s -> s.contains("skip-3")), "skip-3 not traced");
        assertEquals("5", facts.getProperty("pid.profile.hits"));
        assertEquals("1", facts.getProperty("pid.profile.threads"));
    }

    @Test
    void counterClockPrintsCountsInOrder() throws IOException {
        List<String> text = read("clock-counter.txt");
        assertTrue(text.contains("# trace_clock: counter (a count of the ring's events: order only, no time; TIMESTAMP is the count)"));
        Pattern line = Pattern.compile("^ *counted-(\\d+) +\\[(\\d{3})\\] +(\\d+): " + Pattern.quote(W + "tick") + " <-\\?$");
        long last = -1;
        int n = 0;
        for (String s : text) {
            if (s.startsWith("#")) {
                continue;
            }
            Matcher m = line.matcher(s);
            assertTrue(m.matches(), "a count, not seconds: " + s);
            long c = Long.parseLong(m.group(3));
            assertEquals(last + 1, c, "one count per event of the ring, in order");
            last = c;
            n++;
        }
        assertEquals(6, n);
        assertTrue(facts.getProperty("clock.whileStarted").startsWith("EBUSY: trace_clock can change only while the tracer is stopped"),
                facts.getProperty("clock.whileStarted"));
    }

    @Test
    void uptimeClockIsSaidAndPrintsSeconds() throws IOException {
        List<String> text = read("clock-uptime.txt");
        assertTrue(text.stream().anyMatch(s -> s.startsWith("# trace_clock: uptime (coarse: System.nanoTime as a clock thread")));
        assertEquals(3, calls(text, "coarse").size(), "seconds.micros lines, as mono");
    }

    @Test
    void functionGraphUnderTheCounterPrintsCountDurations() throws IOException {
        List<String> text = read("clock-graph.txt");
        assertTrue(text.stream().anyMatch(s -> s.startsWith("# DURATION: cnt, the clock's count between entry and exit")));
        // a { b { d(); } }: d's entry and exit are counts 2 and 3, b's 1 and 4, a's 0 and 5
        List<String> body = text.stream().filter(s -> !s.startsWith("#") && !s.isBlank()).toList();
        assertEquals(5, body.size(), String.join("\n", text));
        assertTrue(body.get(0).matches("^ +0 \\| +\\d+\\) +\\| +" + Pattern.quote(W + "a() {")), body.get(0));
        assertTrue(body.get(2).matches("^ +2 \\| +\\d+\\)   1 cnt       \\| +" + Pattern.quote(W + "d();")), body.get(2));
        assertTrue(body.get(3).matches("^ +4 \\| +\\d+\\)   3 cnt       \\| +\\}"), body.get(3));
        assertTrue(body.get(4).matches("^ +5 \\| +\\d+\\)   5 cnt       \\|  \\}"), body.get(4));
    }
}
