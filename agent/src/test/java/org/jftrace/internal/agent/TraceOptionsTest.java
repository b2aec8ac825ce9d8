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
                + "graph_notrace, buffer_size_kb, max_graph_depth, options, output, e.g. tracer=function_graph,"
                + "filter=com.acme.*", error("tracer=function,filtre=a.*"));
        assertEquals("unknown option 'verbose' (no '=VALUE'): write NAME=VALUE with NAME one of tracer, filter, notrace, "
                + "graph_function, graph_notrace, buffer_size_kb, max_graph_depth, options, output, e.g. "
                + "tracer=function_graph,filter=com.acme.*", error("tracer=function,verbose"));
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
                + "of tracer, filter, notrace, graph_function, graph_notrace, buffer_size_kb, max_graph_depth, options, "));
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
                + "funcgraph-tail (a 'no' in front turns one off), joined by '+'",
                error("tracer=function_graph,options=funcgraph-proc+funcgraph-colour"));
        assertEquals("option options: 'funcgraph-proc' is not an option of the function tracer: give parent-ip, "
                + "sym-offset (a 'no' in front turns one off), joined by '+'", error("tracer=function,options=funcgraph-proc"));
        assertEquals("option options: '' is not an option of the profile tracer: give graph-time (a 'no' in front "
                + "turns one off), joined by '+'", error("tracer=profile,options=graph-time+"));
        assertEquals("option options: 'funcgraph-tail' given twice: give it once",
                error("tracer=function_graph,options=funcgraph-tail+nofuncgraph-tail"));
        assertEquals("option options: sym-offset prints the parent's offset, which needs parent-ip: write "
                + "options=parent-ip+sym-offset", error("tracer=function,options=sym-offset"));
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
