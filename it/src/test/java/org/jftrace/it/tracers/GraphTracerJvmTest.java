package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function_graph tracer in a real JVM with the agent ({@link GraphTracerScenarios}, forked
 * once): the printed tree is exactly the calls {@link CallTree} made, nested, with leaves on one
 * line, exceptions marked, and durations that cover the callees'.
 */
class GraphTracerJvmTest {
    /** run and escaper as {@link TreeDriver#once()} calls them, in {@link GraphText.Node#shape()} form. */
    static final String TREE = "run{leaf;leaf;nest{leaf};fact{fact{fact}};catcher{middle!IllegalStateException"
            + "{thrower!IllegalStateException}};pause} escaper!IllegalArgumentException{leaf}";

    @TempDir
    static Path out;
    static Properties facts = new Properties();

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(GraphTracerScenarios.class, out);
    }

    static List<String> read(String file) throws IOException {
        return Files.readAllLines(out.resolve(file));
    }

    /** The one thread's calls, with durations checked. */
    static String oneThread(String file) throws IOException {
        Map<String, List<GraphText.Node>> trees = GraphText.trees(read(file), false);
        assertEquals(1, trees.size());
        List<GraphText.Node> calls = trees.get("");
        GraphText.checkDurations(calls);
        return GraphText.shapes(calls);
    }

    @Test
    void theTreeAsCalledInTheKernelsLayout() throws IOException {
        List<String> text = read("plain.txt");
        assertEquals("# tracer: function_graph", text.get(0));
        assertTrue(text.get(2).matches("# entries-in-buffer/entries-written: (\\d+)/\\1   #P:\\d+"), text.get(2));
        assertTrue(text.get(2).startsWith("# entries-in-buffer/entries-written: 28/28 "),
                "14 calls, an entry and an exit each: " + text.get(2));
        assertTrue(text.contains("# BUF  DURATION                  FUNCTION CALLS"), "column legend");
        assertTrue(text.contains("# |     |   |                     |   |   |   |"), "column legend");
        assertEquals(TREE, oneThread("plain.txt"));
        // leaves on one line, a call with callees over several
        assertTrue(text.stream().anyMatch(s -> s.endsWith("|    " + GraphTracerScenarios.TREE + "leaf();")), "leaf line");
        assertTrue(text.stream().anyMatch(s -> s.endsWith("|  " + GraphTracerScenarios.TREE + "run() {")), "entry line");
        assertTrue(text.stream().anyMatch(s -> s.endsWith("} /* " + GraphTracerScenarios.TREE
                + "middle threw java.lang.IllegalStateException */")), "exception exit");
        // pause sleeps 2 ms: the # marker at least, and run around it too
        String pause = text.stream().filter(s -> s.endsWith("pause();")).findFirst().orElseThrow();
        assertTrue("#*@$".indexOf(pause.charAt(4)) >= 0, pause);
    }

    @Test
    void twoThreadsEachGetTheirTreeWithProcAndTail() throws IOException {
        Map<String, List<GraphText.Node>> trees = GraphText.trees(read("threads.txt"), true);
        assertEquals(2, trees.size(), trees.keySet().toString());
        for (Map.Entry<String, List<GraphText.Node>> e : trees.entrySet()) {
            assertTrue(e.getKey().matches("tree-[12]-\\d+"), e.getKey());
            GraphText.checkDurations(e.getValue());
            assertEquals(TREE, GraphText.shapes(e.getValue()), e.getKey());
        }
        List<String> text = read("threads.txt");
        assertTrue(text.stream().anyMatch(s -> s.endsWith("} /* " + GraphTracerScenarios.TREE + "run */")),
                "funcgraph-tail names the closed call");
        assertTrue(text.stream().anyMatch(s -> s.contains("TASK-TID") && s.contains("DURATION")), "proc legend");
    }

    @Test
    void maxGraphDepthCutsDeeperCalls() throws IOException {
        assertEquals("run{leaf;leaf;nest;fact;catcher;pause} escaper!IllegalArgumentException{leaf}", oneThread("depth.txt"));
    }

    @Test
    void setGraphFunctionTracesOnlyInside() throws IOException {
        assertEquals("catcher{middle!IllegalStateException{thrower!IllegalStateException}}", oneThread("function.txt"));
    }

    @Test
    void setGraphNotraceSkipsTheFunctionAndItsCallees() throws IOException {
        assertEquals("run{leaf;leaf;fact{fact{fact}};catcher{middle!IllegalStateException"
                + "{thrower!IllegalStateException}};pause} escaper!IllegalArgumentException{leaf}", oneThread("notrace.txt"));
    }

    @Test
    void badOptionsAndDepthsSayWhatToChange() {
        for (String bad : new String[] {"funcgraph-colour", "tail"}) {
            String msg = facts.getProperty("badOption." + bad);
            assertTrue(msg.startsWith("EINVAL: unknown function_graph option '" + bad + "': give one of funcgraph-cpu"), msg);
        }
        assertTrue(facts.getProperty("badDepth").startsWith("EINVAL: max_graph_depth -3 is negative: give 0"),
                facts.getProperty("badDepth"));
    }
}
