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
 * The tracefs namespace in a real JVM with the agent ({@link TracefsScenarios}, forked once): the
 * API's own glob check, the tracers started and stopped by current_tracer, live filter changes,
 * options, trace_pipe, per_thread, the profiler, and nothing hooked at the end.
 */
class TracefsJvmTest {
    private static final String SELF = TracefsScenarios.SELF;

    @TempDir
    static Path out;
    static Properties facts;

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(TracefsScenarios.class, out);
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
    void badGlobsAreEinvalFromTheApiAndChangeNothing() throws Exception {
        assertTrue(facts.getProperty("badGlob").startsWith("EINVAL: set_ftrace_filter: malformed filter"),
                facts.getProperty("badGlob"));
        assertTrue(facts.getProperty("noMatch").startsWith("EINVAL: set_ftrace_filter: "), facts.getProperty("noMatch"));
        assertEquals("true", facts.getProperty("badGlob.unchanged"));
        assertEquals("true", facts.getProperty("noMatch.unchanged"));
        assertEquals(SELF + "outer\n" + SELF + "leaf\n", text("filter"));
        assertTrue(facts.getProperty("tracerWhileBadSize").startsWith("EINVAL: buffer_size_kb: '0'"));
        assertEquals("true", facts.getProperty("tracerWhileBadSize.unchanged"));
    }

    @Test
    void currentTracerFunctionTracesTheFilterAndEchoToTraceClears() throws Exception {
        assertEquals(List.of(SELF + "leaf(int) (1)", SELF + "outer(int) (1)"),
                text("enabled.function").lines().sorted().collect(Collectors.toList()));
        List<String> e = events("function.trace");
        assertEquals(3, count(e, "outer"), text("function.trace"));
        assertEquals(6, count(e, "leaf"), text("function.trace"));
        assertTrue(text("function.trace").startsWith("# tracer: function\n"));
        assertEquals(List.of(), events("function.cleared"));
        // calls(1) under both globs, then the filter lost leaf and calls(2): the kernel keeps the buffer
        e = events("function.outerOnly");
        assertEquals(3, count(e, "outer"), text("function.outerOnly"));
        assertEquals(2, count(e, "leaf"), text("function.outerOnly"));
        assertTrue(e.get(e.size() - 1).contains(SELF + "outer <-") && e.get(e.size() - 2).contains(SELF + "outer <-"),
                "after the change, outer alone: " + text("function.outerOnly"));
    }

    @Test
    void funcStackTraceGivesExactParents() throws Exception {
        List<String> e = events("function.parents");
        assertEquals(1, e.size(), text("function.parents"));
        assertTrue(e.get(0).endsWith(": " + SELF + "outer <-" + SELF + "calls"), e.get(0));
    }

    @Test
    void tracePipeConsumesAndPerThreadAddsUp() throws Exception {
        List<String> first = text("pipe.first").lines().collect(Collectors.toList());
        assertTrue(count(first, "outer") >= 2, text("pipe.first")); // what the tracer held, consumed
        assertEquals("", text("pipe.second"));
        long entries = 0;
        for (String l : text("perThread.stats").lines().collect(Collectors.toList())) {
            if (l.startsWith("entries: ")) {
                entries += Long.parseLong(l.substring(9));
            }
        }
        assertEquals(4, entries, text("perThread.stats")); // the 4 calls made after the pipe read
        assertEquals(4, count(events("perThread.trace"), "outer"));
        assertEquals("4", facts.getProperty("buffer.kb"));
    }

    @Test
    void functionGraphWithItsOptionsAndMaxGraphDepth() throws Exception {
        String g = text("graph.trace");
        assertTrue(g.startsWith("# tracer: function_graph\n"), g);
        assertEquals(4, g.lines().filter(l -> l.endsWith("|    " + SELF + "leaf();")).count(), g);
        assertEquals(2, g.lines().filter(l -> l.endsWith("} /* " + SELF + "outer */")).count(), g);
        String d = text("graph.depth1");
        assertEquals(2, d.lines().filter(l -> l.endsWith("|  " + SELF + "outer();")).count(), d);
        assertTrue(d.lines().noneMatch(l -> l.contains("leaf")), d);
    }

    @Test
    void theProfilerCountsAndNothingIsHookedAtTheEnd() throws Exception {
        assertEquals("", text("enabled.nop"));
        String s = text("stat");
        assertTrue(s.lines().anyMatch(l -> l.matches("  " + SELF.replace(".", "\\.") + "leaf +10 .*")), s);
        assertTrue(s.lines().anyMatch(l -> l.matches("  " + SELF.replace(".", "\\.") + "outer +5 .*")), s);
        assertEquals("", text("enabled.end"));
    }
}
