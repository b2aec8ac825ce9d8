package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -javaagent:jftrace-agent.jar=tracer=...,output=FILE}: the program traced from its
 * first class (its class not loaded when the agent starts), the trace written at exit for this
 * user only; a bad option stops the JVM before main with one line naming it.
 */
class StartupTracingTest {
    private static final String PROGRAM = "org.jftrace.it.tracers.StartupProgram.";

    @TempDir
    Path tmp;

    private ForkedJvm run(String options) throws Exception {
        return ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar() + "=" + options), StartupProgram.class);
    }

    @Test
    void functionGraphFromTheFirstCallWrittenAtExitForThisUserOnly() throws Exception {
        Path out = tmp.resolve("app.trace");
        try (ForkedJvm jvm = run("tracer=function_graph,filter=" + PROGRAM + "*,options=funcgraph-tail,output=" + out)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            assertTrue(jvm.output().contains("main ran: 24"), jvm.output());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        List<String> text = Files.readAllLines(out);
        assertTrue(text.get(0).startsWith("# jftrace: tracer=function_graph events=14 lost=0 overrun=0 seconds="),
                text.get(0));
        assertEquals("# tracer: function_graph", text.get(1));
        Map<String, List<GraphText.Node>> trees = GraphText.trees(text, false);
        List<GraphText.Node> calls = trees.get("");
        GraphText.checkDurations(calls);
        assertEquals("main{outer{inner;inner};outer{inner;inner}}", GraphText.shapes(calls));
        assertTrue(text.contains(" 1)               |  " + PROGRAM + "main() {")
                || text.stream().anyMatch(l -> l.endsWith("|  " + PROGRAM + "main() {")), "main's entry line");
        assertTrue(text.stream().anyMatch(l -> l.endsWith("} /* " + PROGRAM + "main */")), "funcgraph-tail");
    }

    @Test
    void theProfilerAndTheFunctionTracerToo() throws Exception {
        Path prof = tmp.resolve("p.trace");
        try (ForkedJvm jvm = run("tracer=profile,filter=" + PROGRAM + "*,output=" + prof)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
        }
        List<String> p = Files.readAllLines(prof);
        assertTrue(p.get(0).startsWith("# jftrace: tracer=profile events=7 lost=0 "), p.get(0));
        assertTrue(p.stream().anyMatch(l -> l.matches("^  " + PROGRAM.replace(".", "\\.") + "inner +4 .*")), p::toString);
        Path fn = tmp.resolve("f.trace");
        try (ForkedJvm jvm = run("tracer=function,filter=" + PROGRAM + "outer;" + PROGRAM + "inner,output=" + fn)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
        }
        List<String> f = Files.readAllLines(fn);
        assertTrue(f.get(0).startsWith("# jftrace: tracer=function events=6 lost=0 "), f.get(0));
        assertEquals(6, f.stream().filter(l -> l.contains(": " + PROGRAM)).count(), f::toString);
    }

    @Test
    void aBadOptionStopsTheJvmBeforeMainWithOneLine() throws Exception {
        Path out = tmp.resolve("never.trace");
        String[][] cases = {
            {"tracer=function_graph,filter=" + PROGRAM + "[main,output=" + out,
                "option filter: EINVAL: malformed filter \"" + PROGRAM + "[main\" at column " + (PROGRAM.length() + 1)
                    + ": '[' is never closed"},
            {"tracer=function_graph,depth=3,output=" + out, "unknown option 'depth': write NAME=VALUE with NAME one of"},
            {"tracer=function_graph,max_graph_depth=deep", "option max_graph_depth: 'deep' is not a number from 0"},
        };
        for (String[] c : cases) {
            try (ForkedJvm jvm = run(c[0])) {
                assertEquals(1, jvm.waitFor(120), jvm.output());
                String line = jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).findFirst().orElse(jvm.output());
                assertTrue(line.startsWith("[jftrace] -javaagent:jftrace-agent.jar=" + c[0] + ": " + c[1]), line);
                assertTrue(line.endsWith("(the JVM exits with status 1; the program did not run)"), line);
                assertFalse(jvm.output().contains("main ran"), jvm.output());
                assertEquals(1, jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).count(), jvm.output());
            }
        }
        assertFalse(Files.exists(out));
    }
}
