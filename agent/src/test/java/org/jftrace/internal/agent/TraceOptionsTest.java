package org.jftrace.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up option grammar: every option, and the message of every way to get one wrong. */
class TraceOptionsTest {
    @TempDir
    Path tmp;

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> TraceOptions.parse(text)).getMessage();
    }

    @Test
    void everyOptionOfFunctionGraph() {
        Path out = tmp.resolve("app.trace");
        TraceOptions o = TraceOptions.parse("tracer=function_graph,filter=com.acme.*;java.util.HashMap.put(java.lang.Object,"
                + "java.lang.Object),notrace=com.acme.Audit.*,buffer_size_kb=64,max_graph_depth=5,graph_function=com.acme.Orders"
                + ".place,graph_notrace=com.acme.Log.*,options=funcgraph-proc+nofuncgraph-duration+funcgraph-tail,output=" + out);
        assertEquals("function_graph", o.tracer);
        assertEquals(List.of("com.acme.*", "java.util.HashMap.put(java.lang.Object,java.lang.Object)"), o.filter);
        assertEquals(List.of("com.acme.Audit.*"), o.notrace);
        assertEquals(64, o.bufferSizeKb);
        assertEquals(5, o.maxGraphDepth);
        assertEquals(List.of("com.acme.Orders.place"), o.graphFunction);
        assertEquals(List.of("com.acme.Log.*"), o.graphNotrace);
        assertEquals(Map.of("funcgraph-proc", true, "funcgraph-duration", false, "funcgraph-tail", true), o.options);
        assertEquals(out, o.output);
        // record's request words give the same options back
        TraceOptions again = TraceOptions.of(o.items(), false);
        assertEquals(o.toString(), again.toString());
        assertNull(again.output);
    }

    @Test
    void functionAndProfileOptionsAndDefaults() {
        TraceOptions f = TraceOptions.parse("tracer=function,options=parent-ip+sym-offset");
        assertEquals(Map.of("parent-ip", true, "sym-offset", true), f.options);
        assertEquals(List.of(), f.filter, "no filter: every method, as the kernel");
        assertEquals(0, f.bufferSizeKb, "0: the tracer's default");
        assertNull(f.output, "no output: standard error at exit");
        TraceOptions p = TraceOptions.parse("tracer=profile,filter=a.B.*,options=nograph-time");
        assertEquals(Map.of("graph-time", false), p.options);
        assertEquals("tracer=profile,filter=a.B.*,options=nograph-time", p.toString());
    }

    @Test
    void commasInsideParenthesesAndBracketsDoNotSeparate() {
        assertEquals(List.of("tracer=function", "filter=a.B.m(int,long);a.[,]x", "notrace=c\\,d"),
                TraceOptions.split("tracer=function,filter=a.B.m(int,long);a.[,]x,notrace=c\\,d"));
        // an unclosed '[' does not swallow the options after it: the glob alone is reported
        assertEquals(List.of("tracer=function", "filter=a.[b", "output=/tmp/x"),
                TraceOptions.split("tracer=function,filter=a.[b,output=/tmp/x"));
    }

    @Test
    void unknownOptionsAndMissingValues() {
        assertEquals("unknown option 'filtre': write NAME=VALUE with NAME one of tracer, filter, notrace, graph_function, "
                + "graph_notrace, buffer_size_kb, max_graph_depth, options, trigger, threads, clock, parents, output, e.g. "
                + "tracer=function_graph,filter=com.acme.*", error("tracer=function,filtre=a.*"));
        assertEquals("unknown option 'verbose' (no '=VALUE'): write NAME=VALUE with NAME one of tracer, filter, notrace, "
                + "graph_function, graph_notrace, buffer_size_kb, max_graph_depth, options, trigger, threads, clock, "
                + "parents, output, e.g. tracer=function_graph,filter=com.acme.*", error("tracer=function,verbose"));
        assertEquals("option tracer: no value: write tracer=VALUE", error("tracer"));
        assertEquals("option tracer is missing: add tracer=function, tracer=function_graph or tracer=profile",
                error("filter=a.*"));
        assertEquals("an empty option in 'tracer=function,,filter=a.*': separate options with one ',' and end without "
                + "one", error("tracer=function,,filter=a.*"));
        assertEquals("an empty option in 'tracer=function,': separate options with one ',' and end without one",
                error("tracer=function,"));
        // record does not take output: the command writes the file
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TraceOptions.of(List.of("tracer=function",
                "output=x"), false)).getMessage().startsWith("unknown option 'output': write NAME=VALUE with NAME one "
                + "of tracer, filter, notrace, graph_function, graph_notrace, buffer_size_kb, max_graph_depth, options, "
                + "trigger, threads, clock, parents, e.g."));
    }

    @Test
    void badValues() {
        assertEquals("option tracer: 'irqsoff' is not a tracer: write tracer=function, tracer=function_graph or "
                + "tracer=profile", error("tracer=irqsoff"));
        assertEquals("option filter: given twice: give it once and separate the globs with ';'",
                error("tracer=function,filter=a.*,filter=b.*"));
        assertEquals("option options: given twice: give it once and join the names with '+'",
                error("tracer=function_graph,options=funcgraph-proc,options=funcgraph-tail"));
        assertEquals("option tracer: given twice: give it once", error("tracer=function,tracer=function"));
        assertEquals("option filter: EINVAL: malformed filter \"a.[b\" at column 3: '[' is never closed; close it "
                + "with ']' or escape it as '\\['", error("tracer=function,filter=a.[b"));
        assertEquals("option notrace: an empty glob in 'a.*;': separate globs with one ';', e.g. "
                + "notrace=com.acme.*;java.util.HashMap.get", error("tracer=function,notrace=a.*;"));
        assertTrue(error("tracer=function_graph,graph_function=a.(b").startsWith("option graph_function: EINVAL: "));
        assertTrue(error("tracer=function_graph,graph_notrace=[").startsWith("option graph_notrace: EINVAL: "));
        assertEquals("option buffer_size_kb: '0' is not a number from 1 to 1048576: write e.g. buffer_size_kb=4096",
                error("tracer=function,buffer_size_kb=0"));
        assertEquals("option buffer_size_kb: '2048k' is not a number from 1 to 1048576: write e.g. buffer_size_kb=4096",
                error("tracer=function,buffer_size_kb=2048k"));
        assertEquals("option buffer_size_kb: the profile tracer has no ring buffer: leave buffer_size_kb out",
                error("tracer=profile,buffer_size_kb=64"));
        assertEquals("option max_graph_depth: '-1' is not a number from 0 to 2147483647: write e.g. max_graph_depth=5 "
                + "(0: no limit)", error("tracer=function_graph,max_graph_depth=-1"));
        for (String graphOnly : new String[] {"max_graph_depth=3", "graph_function=a.*", "graph_notrace=a.*"}) {
            String name = graphOnly.substring(0, graphOnly.indexOf('='));
            assertEquals("option " + name + ": only the function_graph tracer has it: use tracer=function_graph or "
                    + "leave " + name + " out", error("tracer=function," + graphOnly));
        }
    }

    @Test
    void badTracerOptions() {
        assertEquals("option options: 'funcgraph-colour' is not an option of the function_graph tracer: give "
                + "funcgraph-cpu, funcgraph-overhead, funcgraph-proc, funcgraph-duration, funcgraph-abstime, "
                + "funcgraph-tail, function-fork (a 'no' in front turns one off), joined by '+'",
                error("tracer=function_graph,options=funcgraph-proc+funcgraph-colour"));
        assertEquals("option options: 'funcgraph-proc' is not an option of the function tracer: give parent-ip, "
                + "sym-offset, function-fork (a 'no' in front turns one off), joined by '+'", error("tracer=function,options=funcgraph-proc"));
        assertEquals("option options: '' is not an option of the profile tracer: give graph-time, function-fork (a 'no' in front "
                + "turns one off), joined by '+'", error("tracer=profile,options=graph-time+"));
        assertEquals("option options: 'funcgraph-tail' given twice: give it once",
                error("tracer=function_graph,options=funcgraph-tail+nofuncgraph-tail"));
        assertEquals("option options: sym-offset prints the parent's offset, which needs exact parents: write "
                + "options=parent-ip+sym-offset or parents=exact,options=sym-offset", error("tracer=function,options=sym-offset"));
        TraceOptions.parse("tracer=function,parents=exact,options=sym-offset");
    }

    @Test
    void triggersThreadsClockAndParents() {
        TraceOptions o = TraceOptions.parse("tracer=function,filter=a.B.*,trigger=a.B.x:traceoff:1;a.B.y(int,long):stacktrace,"
                + "threads=1;worker-*,options=function-fork,clock=counter,parents=nearest");
        assertEquals(List.of("a.B.x:traceoff:1", "a.B.y(int,long):stacktrace"), o.triggers);
        assertEquals(List.of("1", "worker-*"), o.threads);
        assertEquals("counter", o.clock);
        assertEquals("nearest", o.parents);
        assertEquals(Map.of("function-fork", true), o.options);
        assertEquals(o.toString(), TraceOptions.of(o.items(), false).toString());
        // the tracefs files' names are the same options: set_ftrace_pid's pid, trace_clock
        TraceOptions a = TraceOptions.parse("tracer=function_graph,pid=main,trace_clock=uptime");
        assertEquals(List.of("main"), a.threads);
        assertEquals("uptime", a.clock);
        assertEquals("tracer=function_graph,threads=main,clock=uptime", a.toString());
        // record's words are not split at commas: a list with commas is one value
        assertEquals(List.of("7", "pool-*"), TraceOptions.of(List.of("tracer=profile", "threads=7,pool-*"), false).threads);
        assertEquals(List.of("a.B.x:traceon"), TraceOptions.parse("tracer=profile,trigger=a.B.x:traceon").triggers);
        assertEquals("exact", TraceOptions.parse("tracer=function,parents=exact,options=parent-ip").parents);
    }

    @Test
    void badTriggersThreadsClocksAndParents() {
        assertEquals("option trigger: EINVAL: trigger 'a.B.x:traceof': unknown trigger command 'traceof': give one of traceon, "
                + "traceoff, stacktrace, snapshot", error("tracer=function,trigger=a.B.x:traceof"));
        assertTrue(error("tracer=function,trigger=a.B.x").startsWith("option trigger: EINVAL: trigger 'a.B.x' has no "
                + "command"), error("tracer=function,trigger=a.B.x"));
        assertTrue(error("tracer=function,trigger=a.[b:traceon").startsWith("option trigger: EINVAL: malformed filter"),
                error("tracer=function,trigger=a.[b:traceon"));
        assertTrue(error("tracer=function,trigger=a.B.x:traceon;").contains("(separate triggers with one ';')"),
                error("tracer=function,trigger=a.B.x:traceon;"));
        assertEquals("option trigger: 'a.B.x:snapshot': the profile tracer has no ring buffer for a snapshot trigger: "
                + "give traceon or traceoff, or use tracer=function or tracer=function_graph",
                error("tracer=profile,trigger=a.B.x:snapshot"));
        assertEquals("option trigger: given twice: give it once and separate the triggers with ';'",
                error("tracer=function,trigger=a.B.x:traceon,trigger=a.B.y:traceon"));
        assertTrue(error("tracer=function,threads=0").startsWith("option threads: EINVAL: thread id 0 is not a Java "
                + "thread id"), error("tracer=function,threads=0"));
        assertTrue(error("tracer=function,threads=pool-[1").startsWith("option threads: EINVAL: thread name glob "),
                error("tracer=function,threads=pool-[1"));
        assertTrue(error("tracer=function,threads=;").startsWith("option threads: EINVAL: a thread filter needs"),
                error("tracer=function,threads=;"));
        assertEquals("option threads: given twice: give it once and separate the threads with ';'",
                error("tracer=function,threads=main,pid=1"));
        assertEquals("option options: function-fork also traces the threads that the threads of threads= start: give "
                + "threads=ID;NAMEGLOB too, or leave function-fork out", error("tracer=function,options=function-fork"));
        assertEquals("option clock: EINVAL: unknown trace_clock 'global': give one of mono, counter, uptime",
                error("tracer=function,clock=global"));
        assertEquals("option clock: the profile tracer has no ring buffer to stamp: leave clock out",
                error("tracer=profile,clock=counter"));
        assertEquals("option parents: 'caller' is not a way to record parents: write parents=none (the default), "
                + "parents=exact (a stack walk per call) or parents=nearest (the nearest traced frame)",
                error("tracer=function,parents=caller"));
        assertTrue(error("tracer=function_graph,parents=exact").startsWith("option parents: only the function tracer"),
                error("tracer=function_graph,parents=exact"));
        assertEquals("option parents: parents=nearest and options=parent-ip disagree: parent-ip is parents=exact; give "
                + "one of them", error("tracer=function,parents=nearest,options=parent-ip"));
    }

    @Test
    void badOutputs() throws Exception {
        assertEquals("option output: '' is empty: write output=FILE, e.g. output=/tmp/app.trace",
                error("tracer=function,output="));
        Files.createDirectory(tmp.resolve("d"));
        assertEquals("option output: '" + tmp.resolve("d") + "' is a directory: write output=FILE, e.g. "
                + "output=/tmp/app.trace", error("tracer=function,output=" + tmp.resolve("d")));
        assertEquals("option output: the directory of " + tmp.resolve("no/x.trace") + " does not exist: create it or "
                + "write output= a file in an existing directory", error("tracer=function,output=" + tmp.resolve("no/x.trace")));
    }

    @Test
    void checkGivesTheMessageOrNull() {
        assertNull(TraceOptions.check("tracer=function"));
        assertEquals("option tracer is missing: add tracer=function, tracer=function_graph or tracer=profile",
                TraceOptions.check("output=/tmp/x"));
    }
}
