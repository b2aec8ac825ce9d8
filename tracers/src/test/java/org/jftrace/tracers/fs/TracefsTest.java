package org.jftrace.tracers.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The namespace's rules in-process, without the agent: list files, options, numbers, errors. The
 * glob check stands in for the API's (which needs the agent: the JVM-level test in {@code it}
 * runs the real one): it refuses an unclosed '[' as malformed and a glob under {@code no.such} as
 * matching nothing, and records what it was asked.
 */
class TracefsTest {
    private final List<String> checked = new ArrayList<>();
    private final Tracefs fs = new Tracefs((file, glob) -> {
        checked.add(glob);
        if (glob.contains("[") && !glob.contains("]")) {
            throw new TracefsException("EINVAL", file, "malformed filter \"" + glob + "\"");
        }
        if (glob.startsWith("no.such")) {
            throw new TracefsException("EINVAL", file, "\"" + glob + "\" matches no method");
        }
    });

    private TracefsException fails(String errno, Runnable r) {
        TracefsException e = assertThrows(TracefsException.class, r::run);
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith(errno + ": "), e.getMessage());
        return e;
    }

    @Test
    void aFilterWriteReplacesAnAppendAddsAndABangRemoves() {
        assertEquals("#### all functions enabled ####\n", fs.read("set_ftrace_filter"));
        fs.write("set_ftrace_filter", "a.B.x");
        fs.write("set_ftrace_filter", "a.B.y a.C.*\n");
        assertEquals("a.B.y\na.C.*\n", fs.read("set_ftrace_filter"));
        fs.append("set_ftrace_filter", "a.D.z(int, java.lang.String)");
        assertEquals("a.B.y\na.C.*\na.D.z(int, java.lang.String)\n", fs.read("set_ftrace_filter"));
        fs.append("set_ftrace_filter", "!a.C.*");
        assertEquals("a.B.y\na.D.z(int, java.lang.String)\n", fs.read("set_ftrace_filter"));
        fs.append("set_ftrace_filter", "!a.B.y*");   // no such entry: kept, it takes its methods out of the others'
        assertEquals("a.B.y\na.D.z(int, java.lang.String)\n!a.B.y*\n", fs.read("set_ftrace_filter"));
        fs.write("set_ftrace_filter", "");
        assertEquals("#### all functions enabled ####\n", fs.read("set_ftrace_filter"));
        assertEquals(List.of("a.B.x", "a.B.y", "a.C.*", "a.D.z(int, java.lang.String)", "a.B.y*"), checked);
    }

    @Test
    void aBadGlobIsEinvalAndChangesNothing() {
        fs.write("set_ftrace_notrace", "a.B.x");
        TracefsException e = fails("EINVAL", () -> fs.append("set_ftrace_notrace", "a.B.y a.[bc"));
        assertTrue(e.getMessage().contains("set_ftrace_notrace") && e.getMessage().contains("a.[bc"), e.getMessage());
        assertEquals("a.B.x\n", fs.read("set_ftrace_notrace"));
        fails("EINVAL", () -> fs.write("set_ftrace_notrace", "no.such.Class.*"));
        assertEquals("a.B.x\n", fs.read("set_ftrace_notrace"));
        e = fails("EINVAL", () -> fs.write("set_ftrace_notrace", "a.B.x:traceoff"));
        assertTrue(e.getMessage().contains("triggers go to set_ftrace_filter only"), e.getMessage());
        assertEquals("a.B.x\n", fs.read("set_ftrace_notrace"));
        fs.write("set_ftrace_filter", "a.*:mod:java.base"); // a module, not a trigger
        assertEquals("a.*:mod:java.base\n", fs.read("set_ftrace_filter"));
        fails("EINVAL", () -> fs.write("set_graph_function", "!"));
        assertEquals("#### all functions enabled ####\n", fs.read("set_graph_function"));
    }

    @Test
    void unknownFilesAreEnoentAndReadOnlyFilesEacces() {
        TracefsException e = fails("ENOENT", () -> fs.read("set_ftrace_filtre"));
        assertTrue(e.getMessage().startsWith("ENOENT: set_ftrace_filtre: no such file"), e.getMessage());
        fails("ENOENT", () -> fs.write("options/no-such-option", "1"));
        fails("ENOENT", () -> fs.read("per_thread/buf" + fs.buffers() + "/trace"));
        fails("ENOENT", () -> fs.read("per_thread/buf0/nothing"));
        for (String ro : List.of("available_tracers", "available_filter_functions", "enabled_functions",
                "buffer_total_size_kb", "trace_pipe", "trace_stat/function", "per_thread/buf0/stats")) {
            e = fails("EACCES", () -> fs.write(ro, "1"));
            assertTrue(e.getMessage().startsWith("EACCES: " + ro + ": is read-only"), e.getMessage());
        }
        assertTrue(fs.list().containsAll(List.of("current_tracer", "options/funcgraph-tail", "options/overwrite",
                "per_thread/buf0/trace", "per_thread/buf0/stats", "trace_stat/function", "trace_clock")), fs.list()::toString);
    }

    @Test
    void tracersAreTheKernelsAndABadOneChangesNothing() {
        assertEquals("function_graph function nop\n", fs.read("available_tracers"));
        assertEquals("nop\n", fs.read("current_tracer"));
        fails("EINVAL", () -> fs.write("current_tracer", "wakeup"));
        // without the agent a tracer cannot start: ENODEV, and current_tracer is still nop
        fails("ENODEV", () -> fs.write("current_tracer", "function"));
        fails("ENODEV", () -> fs.write("current_tracer", "function_graph"));
        assertEquals("nop\n", fs.read("current_tracer"));
        fs.write("current_tracer", "nop");
        assertTrue(fs.read("trace").startsWith("# tracer: nop\n"), fs.read("trace"));
        fails("EINVAL", () -> fs.openPipe());
        fails("ENODEV", () -> fs.write("function_profile_enabled", "1"));
        assertEquals("0\n", fs.read("function_profile_enabled"));
        assertTrue(fs.read("trace_stat/function").contains("Function"), fs.read("trace_stat/function"));
    }

    @Test
    void optionsByTraceOptionsAndByTheirOwnFiles() {
        String all = fs.read("trace_options");
        assertTrue(all.contains("\noverwrite\n") || all.startsWith("overwrite\n"), all);
        assertTrue(all.contains("nofuncgraph-tail\n") && all.contains("nofunc_stack_trace\n")
                && all.contains("funcgraph-duration\n") && all.contains("graph-time\n"), all);
        fs.write("trace_options", "funcgraph-tail");
        assertEquals("1\n", fs.read("options/funcgraph-tail"));
        fs.write("options/funcgraph-tail", "0");
        assertTrue(fs.read("trace_options").contains("nofuncgraph-tail\n"));
        fs.write("trace_options", "nooverwrite");
        assertEquals("0\n", fs.read("options/overwrite"));
        fails("EINVAL", () -> fs.write("trace_options", "funcgraph-tails"));
        fails("EINVAL", () -> fs.write("options/func_stack_trace", "yes"));
        assertEquals("0\n", fs.read("options/func_stack_trace"));
        assertEquals(all.replace("\noverwrite\n", "\nnooverwrite\n").replaceFirst("^overwrite\n", "nooverwrite\n"),
                fs.read("trace_options"));
    }

    @Test
    void numbersAreCheckedAndABadOneChangesNothing() {
        fs.write("buffer_size_kb", "64");
        assertEquals("64\n", fs.read("buffer_size_kb"));
        assertEquals(64L * fs.buffers() + "\n", fs.read("buffer_total_size_kb"));
        for (String bad : List.of("0", "-1", "abc", "99999999999", "1.5")) {
            fails("EINVAL", () -> fs.write("buffer_size_kb", bad));
        }
        assertEquals("64\n", fs.read("buffer_size_kb"));
        fs.write("max_graph_depth", "3");
        fails("EINVAL", () -> fs.write("max_graph_depth", "-2"));
        assertEquals("3\n", fs.read("max_graph_depth"));
        fs.write("tracing_on", "0");
        fails("EINVAL", () -> fs.write("tracing_on", "2"));
        assertEquals("0\n", fs.read("tracing_on"));
    }

    @Test
    void traceClockListsTheClocksAndSwitches() {
        assertEquals("[mono] counter uptime\n", fs.read("trace_clock"));
        fs.write("trace_clock", "counter");
        assertEquals("mono [counter] uptime\n", fs.read("trace_clock"));
        TracefsException e = fails("EINVAL", () -> fs.write("trace_clock", "global"));
        assertTrue(e.getMessage().contains("mono, counter, uptime"), e.getMessage());
        assertEquals("mono [counter] uptime\n", fs.read("trace_clock"));
        fs.write("trace_clock", "uptime\n");
        assertEquals("mono counter [uptime]\n", fs.read("trace_clock"));
    }

    @Test
    void triggersAreSetFtraceFilterCommandsListedAfterTheGlobs() {
        fs.write("set_ftrace_filter", "a.B.x");
        fs.append("set_ftrace_filter", "a.B.y:traceoff:2");
        assertEquals("a.B.x\na.B.y:traceoff:count=2\n", fs.read("set_ftrace_filter"));
        // '>' with commands alone keeps the globs; commands are never truncated
        fs.write("set_ftrace_filter", "a.C.*:stacktrace a.D.z:snapshot:1");
        assertEquals("a.B.x\na.B.y:traceoff:count=2\na.C.*:stacktrace:unlimited\na.D.z:snapshot:count=1\n",
                fs.read("set_ftrace_filter"));
        fs.write("set_ftrace_filter", "a.B.q a.B.y:traceon");
        assertEquals("a.B.q\na.B.y:traceoff:count=2\na.C.*:stacktrace:unlimited\na.D.z:snapshot:count=1\n"
                + "a.B.y:traceon:unlimited\n", fs.read("set_ftrace_filter"));
        fs.append("set_ftrace_filter", "a.B.y:traceoff"); // the same glob and command: replaced, in place
        fs.append("set_ftrace_filter", "!a.C.*:stacktrace !a.D.z:snapshot:5");
        assertEquals("a.B.q\na.B.y:traceoff:unlimited\na.B.y:traceon:unlimited\n", fs.read("set_ftrace_filter"));
        fs.write("set_ftrace_filter", "");
        assertEquals("#### all functions enabled ####\na.B.y:traceoff:unlimited\na.B.y:traceon:unlimited\n",
                fs.read("set_ftrace_filter"));
        assertTrue(checked.containsAll(List.of("a.B.y", "a.C.*", "a.D.z")), checked::toString);
        assertTrue(Tracefs.isTriggerLine("a.B.y:traceoff:count=0") && Tracefs.isTriggerLine("a.*:mod:app:snapshot:unlimited")
                && !Tracefs.isTriggerLine("a.*:mod:app") && !Tracefs.isTriggerLine("#### all functions enabled ####"));
    }

    @Test
    void aBadTriggerIsEinvalAndChangesNothing() {
        fs.write("set_ftrace_filter", "a.B.x a.B.y:traceoff:1");
        String before = fs.read("set_ftrace_filter");
        TracefsException e = fails("EINVAL", () -> fs.append("set_ftrace_filter", "a.B.z a.B.y:traceof"));
        assertTrue(e.getMessage().contains("unknown trigger command 'traceof'") && e.getMessage().contains("traceon"),
                e.getMessage());
        e = fails("EINVAL", () -> fs.append("set_ftrace_filter", "a.B.y:traceoff:x1"));
        e = fails("EINVAL", () -> fs.append("set_ftrace_filter", "no.such.C.m:traceon"));
        assertTrue(e.getMessage().contains("matches no method"), e.getMessage());
        e = fails("EINVAL", () -> fs.append("set_ftrace_filter", "!a.B.y:traceon"));
        assertTrue(e.getMessage().contains("no trigger 'a.B.y:traceon' to remove"), e.getMessage());
        fails("EINVAL", () -> fs.append("set_ftrace_filter", ":traceon"));
        assertEquals(before, fs.read("set_ftrace_filter"));
    }

    @Test
    void setFtracePidTakesThreadIdsAndNameGlobs() {
        assertEquals("no pid\n", fs.read("set_ftrace_pid"));
        fs.write("set_ftrace_pid", "12 worker-*");
        assertEquals("12\nworker-*\n", fs.read("set_ftrace_pid"));
        fs.append("set_ftrace_pid", "main,12");
        assertEquals("12\nworker-*\nmain\n", fs.read("set_ftrace_pid"));
        fails("EINVAL", () -> fs.append("set_ftrace_pid", "pool-[12"));
        TracefsException e = fails("EINVAL", () -> fs.write("set_ftrace_pid", "0"));
        assertTrue(e.getMessage().contains("thread id 0"), e.getMessage());
        assertEquals("12\nworker-*\nmain\n", fs.read("set_ftrace_pid"));
        fs.write("options/function-fork", "1");
        assertTrue(fs.read("trace_options").contains("\nfunction-fork\n"), fs.read("trace_options"));
        fs.write("set_ftrace_pid", "");
        assertEquals("no pid\n", fs.read("set_ftrace_pid"));
        assertEquals("1\n", fs.read("options/function-fork"));
    }

    @Test
    void snapshotNeedsATracerAndCannotBeFreed() {
        assertTrue(fs.read("snapshot").startsWith("# tracer: nop\n"), fs.read("snapshot"));
        TracefsException e = fails("EINVAL", () -> fs.write("snapshot", "1"));
        assertTrue(e.getMessage().contains("current_tracer is nop"), e.getMessage());
        for (String v : List.of("0", "", "2")) {
            e = fails("EINVAL", () -> fs.write("snapshot", v));
            assertTrue(e.getMessage().contains("write 1 to take a new one"), e.getMessage());
        }
        fails("EINVAL", () -> fs.write("snapshot", "yes"));
    }

    @Test
    void nearestParentsAreAnOptionOfTheirOwn() {
        assertTrue(fs.list().containsAll(List.of("options/func-nearest-parent", "options/function-fork", "set_ftrace_pid",
                "snapshot")), fs.list()::toString);
        assertTrue(fs.read("trace_options").contains("nofunc-nearest-parent\n"), fs.read("trace_options"));
        fs.write("trace_options", "func-nearest-parent");
        assertEquals("1\n", fs.read("options/func-nearest-parent"));
    }

    @Test
    void perThreadHasATraceAndStatsPerBuffer() {
        for (int b = 0; b < fs.buffers(); b++) {
            assertEquals("entries: 0\noverrun: 0\nwritten: 0\ndropped events: 0\nread events: 0\n",
                    fs.read("/per_thread/buf" + b + "/stats"));
        }
    }

    @Test
    void resetPutsEverythingBack() {
        fs.write("set_ftrace_filter", "a.B.x");
        fs.write("options/funcgraph-proc", "1");
        fs.write("buffer_size_kb", "8");
        fs.append("set_ftrace_filter", "a.B.y:traceoff");
        fs.write("set_ftrace_pid", "main");
        fs.write("trace_clock", "counter");
        fs.reset();
        assertEquals("no pid\n", fs.read("set_ftrace_pid"));
        assertEquals("[mono] counter uptime\n", fs.read("trace_clock"));
        assertEquals("#### all functions enabled ####\n", fs.read("set_ftrace_filter"));
        assertEquals("0\n", fs.read("options/funcgraph-proc"));
        assertEquals("1024\n", fs.read("buffer_size_kb"));
    }

    @Test
    void globsSplitAtBlanksOutsideParameterLists() {
        assertEquals(List.of("a.B.m(int, long)", "c.D.*", "e\\ f"), GlobList.words(" a.B.m(int, long)\tc.D.*\n e\\ f "));
    }
}
