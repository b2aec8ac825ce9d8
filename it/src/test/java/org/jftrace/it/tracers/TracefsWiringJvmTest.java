package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggers, set_ftrace_pid with function-fork, trace_clock, snapshot and func-nearest-parent
 * through the tracefs files in a real JVM with the agent ({@link TracefsWiringScenarios}, forked once).
 */
class TracefsWiringJvmTest {
    private static final String SELF = TracefsWiringScenarios.SELF;

    @TempDir
    static Path out;
    static Properties facts;

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(TracefsWiringScenarios.class, out);
    }

    static String text(String name) throws Exception {
        return Files.readString(out.resolve(name + ".txt"));
    }

    static List<String> events(String name) throws Exception {
        return text(name).lines().filter(l -> !l.startsWith("#")).collect(Collectors.toList());
    }

    static long count(List<String> lines, String function) {
        return lines.stream().filter(l -> l.contains(": " + SELF + function + " <-")).count();
    }

    @Test
    void aTraceoffTriggerWrittenUnderNopStopsTheTracerStartedLater() throws Exception {
        assertEquals("0", facts.getProperty("traceoff.tracingOn"));
        List<String> e = events("traceoff.trace");
        assertEquals(0, count(e, "leaf"), text("traceoff.trace")); // off at the first outer: no leaf after it
        assertTrue(count(e, "outer") <= 1, text("traceoff.trace"));
        String filter = text("traceoff.filter");
        assertTrue(filter.startsWith(SELF + "outer\n" + SELF + "leaf\n" + SELF + "outer:traceoff:count=1\n"), filter);
        assertTrue(filter.lines().anyMatch(l -> l.startsWith(SELF + "outer") && l.endsWith(":traceoff:count=0")), filter);
        assertEquals("1", facts.getProperty("traceoff.spent.tracingOn"));
        assertEquals(SELF + "outer\n" + SELF + "leaf\n", text("traceoff.removed"));
        assertTrue(facts.getProperty("badTrigger").startsWith("EINVAL: set_ftrace_filter: ")
                && facts.getProperty("badTrigger").contains("unknown trigger command 'traceof'"), facts.getProperty("badTrigger"));
        assertEquals("true", facts.getProperty("badTrigger.unchanged"));
    }

    @Test
    void aSnapshotTriggerAndEchoOneCopyTheBuffersAside() throws Exception {
        List<String> atTrigger = events("snapshot.trigger");
        assertEquals(1, count(atTrigger, "outer"), text("snapshot.trigger")); // taken at the first leaf: outer is in
        assertTrue(count(atTrigger, "leaf") <= 1, text("snapshot.trigger"));
        List<String> trace = events("snapshot.trace");
        assertEquals(2, count(trace, "leaf"), text("snapshot.trace"));
        List<String> taken = events("snapshot.taken");
        assertEquals(1, count(taken, "outer"), text("snapshot.taken"));
        assertEquals(2, count(taken, "leaf"), text("snapshot.taken"));
        assertTrue(facts.getProperty("snapshotFree").startsWith("EINVAL: snapshot: "), facts.getProperty("snapshotFree"));
        assertEquals("true", facts.getProperty("snapshotFree.unchanged"));
    }

    @Test
    void aStacktraceTriggerRecordsTheCallersStack() throws Exception {
        String t = text("stacktrace.trace");
        assertEquals(1, t.lines().filter(l -> l.endsWith("<stack trace>")).count(), t);
        assertTrue(t.contains("\n => " + SELF + "outer\n") && t.contains("\n => " + SELF + "calls\n"), t);
    }

    @Test
    void setFtracePidTracesTheNamedThreadAndWithFunctionForkItsChildren() throws Exception {
        List<String> noFork = events("pid.nofork");
        assertEquals(3, noFork.size(), text("pid.nofork"));
        assertTrue(noFork.stream().allMatch(l -> l.contains("wiring-parent-")), text("pid.nofork"));
        List<String> fork = events("pid.fork");
        assertEquals(6, fork.size(), text("pid.fork"));
        assertEquals(3, fork.stream().filter(l -> l.contains("wiring-child-")).count(), text("pid.fork"));
    }

    @Test
    void traceClockSwitchesOnEmptyBuffers() throws Exception {
        assertEquals("mono [counter] uptime", facts.getProperty("clock.file"));
        assertEquals(List.of(), events("clock.reset"));
        String c = text("clock.counter");
        assertTrue(c.contains("# trace_clock: counter"), c);
        assertEquals(3, events("clock.counter").size(), c);
    }

    @Test
    void funcNearestParentPrintsTheNearestTracedFrame() throws Exception {
        List<String> e = events("nearest.trace");
        assertEquals(2, e.stream().filter(l -> l.endsWith(": " + SELF + "leaf <-~" + SELF + "outer")).count(),
                text("nearest.trace"));
        assertEquals("", text("enabled.end"));
    }
}
