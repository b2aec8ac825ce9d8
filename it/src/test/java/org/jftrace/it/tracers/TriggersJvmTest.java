package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function triggers in a real JVM with the agent ({@link TriggerScenarios}, forked once):
 * traceoff/traceon flip tracing_on with the kernel's counts, stacktrace records the right frames,
 * snapshot keeps the events up to the hit, and tracing_on works for all three tracers.
 */
class TriggersJvmTest {
    static final String W = TriggerScenarios.W;

    @TempDir
    static Path out;
    static Properties facts = new Properties();

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(TriggerScenarios.class, out);
    }

    static List<String> read(String file) throws IOException {
        return Files.readAllLines(out.resolve(file));
    }

    static List<String> functions(List<String> text, String task) {
        List<String> f = new ArrayList<>();
        for (String s : text) {
            if (s.startsWith("#")) {
                continue;
            }
            var m = FunctionTracerJvmTest.LINE.matcher(s);
            if (m.matches() && m.group(1).trim().equals(task)) {
                f.add(m.group(6));
            }
        }
        return f;
    }

    @Test
    void traceoffOnceStopsTracingAtItsFirstCallAndCountsDown() throws IOException {
        assertEquals("1", facts.getProperty("off.before"));
        assertEquals("false", facts.getProperty("off.tracingOnAfterFirst"), "traceoff:1 turned tracing off");
        assertEquals("true", facts.getProperty("off.tracingOnAfterSecond"), "count spent: the second call does nothing");
        assertEquals("0", facts.getProperty("off.after"));
        assertEquals("[" + W + "off:traceoff:count=1, " + W + "on:traceon:unlimited]", facts.getProperty("off.list"));
        // as set_ftrace_filter lists them: the trigger, then each function it fired on with its count now
        assertEquals(W + "off:traceoff:count=1|" + W + "off:traceoff:count=0|" + W + "on:traceon:unlimited",
                facts.getProperty("off.lines"));
        List<String> ticks = functions(read("traceoff.txt"), "ticker");
        // 10 before the traceoff, none of the 10 after, 5 after tracing went on by hand, none while
        // off by hand, 1 after the traceon trigger
        assertEquals(16, ticks.size(), ticks.toString());
        ticks.forEach(f -> assertEquals(W + "tick", f));
    }

    @Test
    void stacktraceShowsTheCallersFramesCountTimes() throws IOException {
        List<String> text = read("stacktrace.txt");
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).endsWith(": <stack trace>")) {
                at.add(i);
            }
        }
        assertEquals(2, at.size(), "stacktrace:2 gives two stacks of three calls:\n" + String.join("\n", text));
        for (int i : at) {
            assertTrue(text.get(i).trim().startsWith("stacker-"), text.get(i));
            assertEquals(" => " + W + "hit", text.get(i + 1));
            assertEquals(" => " + W + "inner", text.get(i + 2));
            assertEquals(" => " + W + "outer", text.get(i + 3));
            assertTrue(text.get(i + 4).startsWith(" => org.jftrace.it.tracers.TriggerScenarios.lambda$stacktrace$"),
                    text.get(i + 4));
        }
        // each stack follows the tick of its round: tick, stack, tick, stack, tick
        List<String> ticks = functions(text, "stacker");
        assertEquals(3, ticks.size());
        assertTrue(at.get(0) > text.indexOf(text.stream().filter(s -> s.contains(W + "tick")).findFirst().orElseThrow()));
        assertTrue(text.contains("# <stack trace>: a stacktrace trigger fired; its frames follow as ' => function', "
                + "innermost first"), "legend");
    }

    @Test
    void snapshotHoldsTheEventsUpToTheHit() throws IOException {
        List<String> none = read("snapshot-none.txt");
        assertTrue(none.get(2).startsWith("# * Snapshot is freed *"), none.toString());
        List<String> snap = read("snapshot.txt");
        assertEquals("# tracer: function", snap.get(0));
        assertEquals("# entries-in-buffer/entries-written: 5/5   #P:" + snap.get(2).replaceAll(".*#P:", ""), snap.get(2));
        assertEquals(5, functions(snap, "snapper").size(), "the 5 ticks before the snap, none after");
        assertEquals(10, functions(read("snapshot-trace.txt"), "snapper").size(), "the trace itself goes on");
    }

    @Test
    void tracingOnWorksForFunctionGraphAndTheProfiler() throws IOException {
        assertEquals("false", facts.getProperty("graph.tracingOn"));
        long leaves = read("graph.txt").stream().filter(s -> s.endsWith(W + "tick();")).count();
        assertEquals(3, leaves, "function_graph: the 3 ticks before the traceoff");
        long snapLeaves = read("graph-snapshot.txt").stream().filter(s -> s.endsWith(W + "tick();")).count();
        assertEquals(3, snapLeaves, "function_graph's snapshot at snap(): the 3 ticks before it");
        assertEquals("6", facts.getProperty("profile.hits"), "profiler: 4 before the traceoff, 2 after tracing_on=1");
        assertTrue(facts.getProperty("profile.stacktrace").startsWith("EINVAL: the function profiler tracer has no ring buffer"),
                facts.getProperty("profile.stacktrace"));
    }

    @Test
    void badTriggersSayWhatToWriteAndLeaveNothing() {
        assertTrue(facts.getProperty("bad.0").contains("unknown trigger command 'traceof': give one of traceon, traceoff"),
                facts.getProperty("bad.0"));
        assertTrue(facts.getProperty("bad.1").contains("unknown trigger command 'ten'"), facts.getProperty("bad.1"));
        assertTrue(facts.getProperty("bad.2").startsWith("EINVAL:") && facts.getProperty("bad.2").contains("com.nowhere"),
                facts.getProperty("bad.2"));
        assertEquals("0", facts.getProperty("bad.left"));
    }
}
