package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * {@code --trigger}, {@code --threads}, {@code --clock} and {@code --parents} become the agent's
 * options in {@code record}'s request words and {@code run}'s {@code -javaagent:} string (the
 * end-to-end behaviour is {@link RecordWiringIT}'s).
 */
class TraceControlOptionsTest {
    private static final String[] CONTROL = {"--trigger", "a.B.x:traceoff:1", "--trigger", "a.B.m(int,long):snapshot",
        "--threads", "1,worker-*", "--clock", "counter", "--parents", "nearest"};

    @Test
    void recordSendsThemAsItsRequestWords() {
        RecordCommand r = new RecordCommand();
        new CommandLine(r).parseArgs(concat(new String[] {"-p", "1", "-t", "function", "-l", "a.B.*"}, CONTROL));
        assertEquals(List.of("record-start", "tracer=function", "filter=a.B.*", "trigger=a.B.x:traceoff:1;"
                + "a.B.m(int,long):snapshot", "threads=1;worker-*", "clock=counter", "parents=nearest"), List.of(r.words()));
        RecordCommand none = new RecordCommand();
        new CommandLine(none).parseArgs("-p", "1", "-l", "a.B.*");
        assertEquals(List.of("record-start", "tracer=function_graph", "filter=a.B.*"), List.of(none.words()));
    }

    @Test
    void runPutsThemIntoTheAgentOptionsWithoutCommasBetweenThreads() {
        RunCommand r = new RunCommand();
        new CommandLine(r).parseArgs(concat(concat(new String[] {"-t", "function", "-l", "a.B.*"}, CONTROL),
                new String[] {"--", "java", "Main"}));
        assertEquals("tracer=function,filter=a.B.*,trigger=a.B.x:traceoff:1;a.B.m(int,long):snapshot,"
                + "threads=1;worker-*,clock=counter,parents=nearest,output=/tmp/t", r.agentOptions(Path.of("/tmp/t")));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = new String[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
