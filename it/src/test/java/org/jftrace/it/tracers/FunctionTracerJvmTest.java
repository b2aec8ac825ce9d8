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
import org.jftrace.tracers.function.FunctionTraceFormat;

/**
 * The function tracer in a real JVM with the agent ({@link FunctionTracerScenarios}, forked once):
 * the text it prints lists exactly the calls the workload made, in the kernel's layout.
 */
class FunctionTracerJvmTest {
    /** {@code TASK-TID [BUF] SECONDS.MICROS: function <-parent}, the kernel's line. */
    static final Pattern LINE = Pattern.compile("^ *(.+)-(\\d+) +\\[(\\d{3})\\] +(\\d+)\\.(\\d{6}): (\\S+) <-(\\S+)$");
    static final Pattern ENTRIES = Pattern.compile("^# entries-in-buffer/entries-written: (\\d+)/(\\d+)   #P:(\\d+)$");
    static final String W = "org.jftrace.it.tracers.Workload.";
    static final String PUT = "java.util.HashMap.put";

    @TempDir
    static Path out;
    static Properties facts = new Properties();

    record Line(String task, long tid, int buf, long micros, String function, String parent) {
    }

    @BeforeAll
    static void runTheScenarios() throws Exception {
        facts = ScenarioJvm.run(FunctionTracerScenarios.class, out);
    }

    static List<String> read(String file) throws IOException {
        return Files.readAllLines(out.resolve(file));
    }

    static List<Line> events(List<String> text) {
        List<Line> lines = new ArrayList<>();
        for (String s : text) {
            if (s.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(s);
            assertTrue(m.matches(), "not the kernel's line layout: '" + s + "'");
            lines.add(new Line(m.group(1).trim(), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)),
                    Long.parseLong(m.group(4)) * 1_000_000 + Long.parseLong(m.group(5)), m.group(6), m.group(7)));
        }
        return lines;
    }

    static List<Line> of(List<Line> lines, String task) {
        return lines.stream().filter(l -> l.task.equals(task)).toList();
    }

    /** Checks the header and returns entries, written, #P. */
    static long[] header(List<String> text) {
        assertEquals("# tracer: function", text.get(0));
        assertEquals("#", text.get(1));
        Matcher m = ENTRIES.matcher(text.get(2));
        assertTrue(m.matches(), text.get(2));
        assertTrue(text.contains("#           TASK-TID     BUF#      TIMESTAMP  FUNCTION"), "column legend");
        assertTrue(text.stream().anyMatch(s -> s.startsWith("# BUF#: the ring buffer the event went to")), "BUF# legend");
        assertTrue(text.stream().anyMatch(s -> s.startsWith("# trace_clock: mono")), "clock legend");
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /** The workload's calls in order: run, then 50 x (step, HashMap.put). */
    static void assertCallSequence(List<Line> w, long tid) {
        List<String> expect = new ArrayList<>();
        expect.add(W + "run");
        for (int i = 0; i < FunctionTracerScenarios.CALLS; i++) {
            expect.add(W + "step");
            expect.add(PUT);
        }
        assertEquals(expect, w.stream().map(Line::function).toList());
        long last = -1;
        for (Line l : w) {
            assertEquals(tid, l.tid);
            assertTrue(l.micros >= last, "timestamps go forward");
            last = l.micros;
        }
    }

    @Test
    void cheapParentsTraceExactlyTheCallsMade() throws IOException {
        List<String> text = read("cheap.txt");
        long[] h = header(text);
        List<Line> all = events(text);
        assertEquals(h[0], all.size(), "entries-in-buffer is the number of lines");
        assertEquals(h[0], h[1], "nothing overwritten or consumed");
        assertTrue(text.contains("# lost: 0   overrun: 0   read: 0   buffer_size_kb: 1024   mode: overwrite"), text.get(3));
        List<Line> w = of(all, "workload");
        assertCallSequence(w, Long.parseLong(facts.getProperty("cheap.tid")));
        for (Line l : w) {
            assertEquals(FunctionTraceFormat.PARENT_NOT_RECORDED, l.parent, "cheap mode records no parent");
        }
    }

    @Test
    void exactParentsAreTheRealCallers() throws IOException {
        List<String> text = read("exact.txt");
        header(text);
        List<Line> w = of(events(text), "workload");
        assertCallSequence(w, Long.parseLong(facts.getProperty("exact.tid")));
        assertTrue(w.get(0).parent.startsWith("org.jftrace.it.tracers.FunctionTracerScenarios.lambda$"), w.get(0).parent);
        for (Line l : w.subList(1, w.size())) {
            assertEquals(l.function.equals(PUT) ? W + "step" : W + "run", l.parent, l.toString());
        }
    }

    @Test
    void tracePipeFollowsTheLiveProgramAndConsumes() throws IOException {
        List<Line> live = of(events(read("pipe.txt")), "live");
        assertTrue(live.size() >= 5, "lines from the running thread: " + live.size());
        for (Line l : live) {
            assertEquals(W + "step", l.function);
            assertEquals(Long.parseLong(facts.getProperty("pipe.tid")), l.tid);
        }
        assertEquals("true", facts.getProperty("pipe.liveWhileRead"), "the lines came while the program ran");
        List<String> after = read("pipe-after.txt");
        long[] h = header(after);
        // what the pipe returned is gone: the trace file shows written - read
        Matcher m = Pattern.compile("^# lost: 0   overrun: 0   read: (\\d+) .*").matcher(after.get(3));
        assertTrue(m.matches(), after.get(3));
        long readCount = Long.parseLong(m.group(1));
        assertTrue(readCount >= live.size());
        assertEquals(h[1] - readCount, h[0]);
        assertEquals(h[0], events(after).size());
    }

    @Test
    void dropModeKeepsTheFirstAndCountsTheRest() throws IOException {
        List<String> text = read("drop.txt");
        long[] h = header(text);
        assertArrayEquals(new long[] {16, 16, 1}, h);
        assertTrue(text.contains("# lost: 24   overrun: 0   read: 0   buffer_size_kb: 1   mode: drop"), text.get(3));
        assertTrue(text.contains("#   buffer 000: entries 16  written 16  lost 24  overrun 0  read 0"));
        List<Line> d = of(events(text), "dropper");
        assertEquals(16, d.size());
        d.forEach(l -> assertEquals(W + "step", l.function));
        assertTrue(facts.getProperty("resizeWhileStarted").contains("EBUSY")
                && facts.getProperty("resizeWhileStarted").contains("stop() first"), facts.getProperty("resizeWhileStarted"));
    }

    @Test
    void clearEmptiesAndZeroes() throws IOException {
        List<String> text = read("cleared.txt");
        assertArrayEquals(new long[] {0, 0, 1}, header(text));
        assertTrue(events(text).isEmpty());
    }

    @Test
    void resizeWhileStoppedAndTracingOn() throws IOException {
        List<String> text = read("resized.txt");
        long[] h = header(text);
        assertTrue(text.get(3).contains("buffer_size_kb: 2"), text.get(3));
        List<Line> all = events(text);
        assertTrue(of(all, "paused").isEmpty(), "tracing_on=0 records nothing");
        assertEquals(5, of(all, "resumed").size());
        assertEquals(5, h[1], "tracing_on=0 counts nothing either");
    }

    @Test
    void badBufferSizesSayWhatToChange() {
        for (String kb : new String[] {"0", "-5", Integer.toString(Integer.MAX_VALUE)}) {
            String msg = facts.getProperty("badSize." + kb);
            assertTrue(msg.startsWith("EINVAL: buffer_size_kb " + kb + " is out of range: give 1 to"), msg);
        }
    }
}
