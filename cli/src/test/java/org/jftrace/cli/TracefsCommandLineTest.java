package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * {@code cat}, {@code echo}, {@code stream}, {@code stat}, {@code run}: help, and bad command lines
 * found before anything is attached to or started (exit 1), in-process. Pid 1 is never a JVM of
 * this user's here: the attach check refuses it (exit 2) without attaching.
 */
class TracefsCommandLineTest {
    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Jftrace.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static Result usage(String err, String... args) {
        Result r = run(args);
        assertEquals(1, r.exit, r.err);
        assertTrue(r.err.startsWith(err), r.err);
        return r;
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String c : List.of("cat", "echo", "stream", "stat", "run")) {
            Result r = run(c, "--help");
            assertEquals(0, r.exit, c);
            assertTrue(r.out.startsWith("Usage: jftrace " + c + " "), r.out);
        }
        assertTrue(run("cat", "--help").out.replaceAll("\\s+", " ").contains("set_ftrace_filter, set_ftrace_notrace,"));
        assertTrue(run("echo", "--help").out.contains("--append"));
        assertTrue(run("run", "--help").out.contains("COMMAND..."));
    }

    @Test
    void badCommandLinesAreUsageErrorsBeforeAnyAttach() {
        usage("jftrace: Missing required parameter: 'FILE'", "cat", "-p", "1");
        usage("jftrace: Missing required parameter: 'FILE'", "echo", "-p", "1");
        usage("jftrace: stream: -t irqsoff is not a tracer that streams: give function or function_graph",
                "stream", "-p", "1", "-t", "irqsoff", "-l", "a.B.*");
        usage("jftrace: stream: -t needs -l GLOB", "stream", "-p", "1", "-t", "function");
        usage("jftrace: stream: --duration 0.0 is not a positive number of seconds", "stream", "-p", "1",
                "--duration", "0");
        usage("jftrace: stat: --duration -1.0 is not a positive number of seconds", "stat", "-p", "1",
                "--duration", "-1", "-l", "a.B.*");
        usage("jftrace: Missing required option: '--filter=GLOB'", "run", "--", "java", "-version");
        usage("jftrace: Missing required parameter: 'COMMAND'", "run", "-l", "a.B.*");
        usage("jftrace: run: option tracer: 'irqsoff' is not a tracer", "run", "-l", "a.B.*", "-t", "irqsoff",
                "--agent-jar", Processes.agentJar().toString(), "--", "java", "-version");
        usage("jftrace: run: option filter: EINVAL: malformed filter \"a.[B\"", "run", "-l", "a.[B",
                "--agent-jar", Processes.agentJar().toString(), "--", "java", "-version");
    }

    @Test
    void aMisspelledCommandGetsTheNearestNames() {
        assertTrue(usage("jftrace: Unmatched argument at index 0: 'lst'", "lst").err.contains("Did you mean: jftrace list?\n"));
        assertTrue(run("sta").err.contains("Did you mean: jftrace stat?\n"), run("sta").err);
        assertTrue(run("ech").err.contains("Did you mean: jftrace echo?\n"));
        assertTrue(run("stram").err.contains("Did you mean: jftrace stream?\n"));
        assertTrue(run("paches").err.contains("Did you mean: jftrace patches?\n"));
        assertEquals(1, Jftrace.distance("lst", "list"));
        assertEquals(3, Jftrace.distance("lst", "stat"));
    }

    @Test
    void aPidThatIsNoJvmIsExit2WithoutAttaching() {
        String jar = Processes.agentJar().toString();
        for (String[] args : List.of(new String[] {"cat", "-p", "1", "trace"}, new String[] {"echo", "-p", "1", "trace"},
                new String[] {"stream", "-p", "1", "-l", "a.B.*"}, new String[] {"stat", "-p", "1", "-l", "a.B.*"})) {
            String[] a = new String[args.length + 2];
            System.arraycopy(args, 0, a, 0, args.length);
            a[args.length] = "--agent-jar";
            a[args.length + 1] = jar;
            Result r = run(a);
            assertEquals(2, r.exit, String.join(" ", args) + ": " + r.err);
            assertTrue(r.err.startsWith("jftrace: "), r.err);
        }
    }
}
