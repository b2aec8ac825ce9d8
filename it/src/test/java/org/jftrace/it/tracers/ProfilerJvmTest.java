package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function profiler in a real JVM with the agent ({@link ProfilerScenarios}, forked once):
 * hits are exactly the calls {@link CallTree} made, per thread and merged; times are positive and
 * a caller's total covers its callees'; with graph-time off the callees' time is taken out.
 */
class ProfilerJvmTest {
    static final Pattern ROW = Pattern.compile("^  (\\S+) +(\\d+)    ([ \\d.]+) us +([\\d.]+) us +([\\d.]+) us +$");

    @TempDir
    static Path out;
    static Properties facts = new Properties();

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(ProfilerScenarios.class, out);
    }

    static long get(String key) {
        String v = facts.getProperty(key);
        assertNotNull(v, "no " + key + " in " + facts);
        return Long.parseLong(v);
    }

    /** Every function's hits are its calls per tree times the trees run. */
    static void assertHits(String prefix, int runs) {
        assertEquals(CallTree.CALLS.length, get(prefix + ".functions"), prefix + ": one line per function called");
        for (String[] c : CallTree.CALLS) {
            assertEquals(Long.parseLong(c[1]) * runs, get(prefix + "." + c[0] + ".hits"), prefix + " hits of " + c[0]);
            assertTrue(get(prefix + "." + c[0] + ".time") > 0, prefix + " time of " + c[0]);
        }
    }

    @Test
    void hitsAreTheCallsMadePerThreadAndMerged() {
        assertHits("t1", ProfilerScenarios.RUNS_1);
        assertHits("t2", ProfilerScenarios.RUNS_2);
        assertHits("total", ProfilerScenarios.RUNS_1 + ProfilerScenarios.RUNS_2);
        assertEquals(facts.getProperty("tids"), facts.getProperty("threads"));
        for (String[] c : CallTree.CALLS) {
            assertEquals(get("t1." + c[0] + ".time") + get("t2." + c[0] + ".time"), get("total." + c[0] + ".time"),
                    "merged = the threads' sum: " + c[0]);
        }
        assertEquals(0, get("lost"));
        assertEquals(0, get("afterReset"), "reset");
    }

    @Test
    void aCallersTotalCoversItsCallees() {
        for (String t : new String[] {"t1", "t2", "total"}) {
            assertTrue(get(t + ".run.time") >= get(t + ".nest.time") + get(t + ".catcher.time") + get(t + ".pause.time"), t);
            assertTrue(get(t + ".catcher.time") >= get(t + ".middle.time"), t);
            assertTrue(get(t + ".middle.time") >= get(t + ".thrower.time"), t);
            assertTrue(get(t + ".escaper.time") > 0, t);
            assertTrue(get(t + ".pause.time") >= 2_000_000L * get(t + ".pause.hits"), t + ": pause sleeps 2 ms");
        }
    }

    @Test
    void graphTimeOffGivesSelfTime() {
        assertHits("self", ProfilerScenarios.RUNS_1);
        // run's own code is a few additions; with callees it would include pause's 2 ms sleeps
        assertTrue(get("self.run.time") * 2 < get("self.pause.time"), "self time of run " + get("self.run.time")
                + " ns vs pause " + get("self.pause.time"));
        long sum = 0;
        for (String[] c : CallTree.CALLS) {
            sum += get("self." + c[0] + ".time");
        }
        // with callees counted again in their callers, the sum would pass the wall time (run alone covers it)
        assertTrue(sum <= get("self.wall"), "self times add up to at most the time the thread ran: " + sum);
        assertTrue(facts.getProperty("optionWhileEnabled").startsWith("EBUSY: graph-time can change only while"),
                facts.getProperty("optionWhileEnabled"));
    }

    @Test
    void theKernelsStatLayoutSortedByTime() throws IOException {
        List<String> text = Files.readAllLines(out.resolve("stat.txt"));
        assertTrue(text.get(0).startsWith("# function profile: all threads, graph-time on"), text.get(0));
        assertTrue(text.get(1).matches("^  Function {30,}Hit    Time            Avg             s\\^2$"), text.get(1));
        assertTrue(text.get(2).matches("^  -------- {30,}---    ----            ---             ---$"), text.get(2));
        double last = Double.MAX_VALUE;
        for (String row : text.subList(3, text.size())) {
            Matcher m = ROW.matcher(row);
            assertTrue(m.matches(), row);
            double time = Double.parseDouble(m.group(3).trim());
            assertTrue(time <= last, "sorted by total time: " + row);
            last = time;
            String name = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
            assertEquals(get("total." + name + ".hits"), Long.parseLong(m.group(2)), row);
        }
        assertEquals(3 + CallTree.CALLS.length, text.size());
        assertTrue(Files.readAllLines(out.resolve("self.txt")).get(0).contains("graph-time off (self time)"));
    }
}
