package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The command line in process: every check that runs before an attach (pid, options, method names,
 * globs, the agent jar), help, completion. The pids given here are never attached to: each case
 * fails first.
 */
class CommandLineTest {
    @TempDir
    Path tmp;

    /** What one run printed and returned. */
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

    /** Runs a command against the agent jar of this build (the embedded one is checked apart). */
    private static Result withAgent(String... args) {
        String[] a = new String[args.length + 2];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = "--agent-jar";
        a[args.length + 1] = Processes.agentJar().toString();
        return run(a);
    }

    @Test
    void noCommandPrintsTheUsageWithExit1() {
        Result r = run();
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: give a command\nUsage: jftrace [-hV] COMMAND"), r.err);
        assertTrue(r.err.contains("Exit codes:"), r.err);
        assertEquals("", r.out);
    }

    @Test
    void badPidsAreNamed() {
        for (String pid : List.of("abc", "0", "-5", "12 34", "1".repeat(19), "")) {
            Result r = run("patches", "-p", pid);
            assertEquals(1, r.exit, pid + ": " + r.err);
            assertTrue(r.err.startsWith("jftrace: Invalid value for option '--pid': '" + pid + "' is not a process id: "
                    + "give the pid of a JVM, a positive number ('jftrace ps' lists them)\n"), r.err);
        }
        Result r = run("patches");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: Missing required option: '--pid=PID'\n"), r.err);
    }

    @Test
    void unknownOptionsArgumentsAndCommandsAreUsageErrors() {
        Result r = run("ps", "-x");
        assertEquals(1, r.exit);
        assertEquals("jftrace: Unknown option: '-x'\nUsage: jftrace ps [-h] [--no-header]\nRun 'jftrace ps --help' for "
                + "more.\n", r.err.replace(System.lineSeparator(), "\n"));
        r = run("patches", "-p", "1", "extra");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: Unmatched argument at index 3: 'extra'"), r.err);
        r = run("patch", "-p", "1", "a.b()");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: Missing required parameter: 'REPLACEMENT'"), r.err);
        r = run("unpach");
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("Did you mean: jftrace unpatch"), r.err);
    }

    @Test
    void methodNamesAndJarsAreCheckedBeforeAnyAttach() throws Exception {
        String form = " is not binary.class.Name.method[(params)]\n";
        assertEquals(new Result(1, "", "jftrace: patch: TARGET is empty; give it as binary.class.Name.method[(params)]\n"),
                withAgent("patch", "-p", "1", "", "b.C.d()"));
        assertEquals(new Result(1, "", "jftrace: patch: REPLACEMENT \"nodot\"" + form),
                withAgent("patch", "-p", "1", "a.B.c()", "nodot"));
        assertEquals(new Result(1, "", "jftrace: unpatch: TARGET \"a.B.c(\"" + form),
                withAgent("unpatch", "-p", "1", "a.B.c("));
        Path missing = tmp.resolve("missing.jar");
        assertEquals(new Result(1, "", "jftrace: patch: JAR " + missing + " does not exist\n"),
                withAgent("patch", "-p", "1", "a.B.c()", "fix.F.c()", missing.toString()));
    }

    @Test
    void globsAreParsedAsTheFilterApiParsesThem() {
        Result r = withAgent("list", "-p", "1", "java.util.[Hash");
        assertEquals(new Result(1, "", "jftrace: list: EINVAL: malformed filter \"java.util.[Hash\" at column 11: '[' "
                + "is never closed; close it with ']' or escape it as '\\['\n"), r);
        r = withAgent("list", "-p", "1", "x".repeat(5000));
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("over the limit of 4096 characters"), r.err);
        r = withAgent("list", "-p", "1", "*:traceon");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: list: EINVAL: "), r.err);
        r = withAgent("list", "-p", "1", "!java.*");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: list: \"!java.*\" starts with '!'"), r.err);
    }

    @Test
    void theAgentJarOptionIsChecked() throws Exception {
        Path missing = tmp.resolve("none.jar");
        Result r = run("patches", "-p", "1", "--agent-jar", missing.toString());
        assertEquals(new Result(1, "", "jftrace: --agent-jar: " + missing + " does not exist; give the path of "
                + "jftrace-agent.jar (agent/target/jftrace-agent.jar in a build)\n"), r);
        Path text = Files.writeString(tmp.resolve("text.jar"), "not a jar");
        r = run("patches", "-p", "1", "--agent-jar", text.toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: --agent-jar: " + text + " cannot be read as a jar"), r.err);
    }

    /** jftrace.jar carries the agent it loads: the agent module's jar of this build. */
    @Test
    void theAgentIsEmbedded() throws Exception {
        try (InputStream in = AgentJar.class.getClassLoader().getResourceAsStream(AgentJar.EMBEDDED)) {
            assertNotNull(in, AgentJar.EMBEDDED);
            byte[] embedded = in.readAllBytes();
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(Processes.agentJar()), embedded),
                    "the embedded agent is not " + Processes.agentJar());
            try (JarInputStream jar = new JarInputStream(new java.io.ByteArrayInputStream(embedded))) {
                assertEquals("org.jftrace.agent.JftraceAgent", jar.getManifest().getMainAttributes().getValue("Agent-Class"));
            }
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("ps", "list", "enabled", "patch", "unpatch", "patches", "reset", "completion")) {
            Result r = run(c, "--help");
            assertEquals(0, r.exit, c);
            assertTrue(r.out.startsWith("Usage: jftrace " + c + " "), r.out);
            assertEquals(r.out, run("help", c).out);
        }
        Result r = run("--help");
        assertEquals(0, r.exit);
        assertTrue(r.out.contains("  3   jftrace or the command failed in the JVM"), r.out);
    }

    @Test
    void recordChecksItsOptionsBeforeAttaching() {
        Result r = run("record", "-p", "1");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: Missing required option: '--filter=GLOB'"), r.err);
        r = withAgent("record", "-p", "1", "-l", "a.B.*", "-t", "irqsoff");
        assertEquals(1, r.exit);
        assertEquals("jftrace: record: option tracer: 'irqsoff' is not a tracer: write tracer=function, "
                + "tracer=function_graph or tracer=profile\n", r.err);
        r = withAgent("record", "-p", "1", "-l", "a.B.*", "-O", "funcgraph-colour");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: record: option options: 'funcgraph-colour' is not an option of the "
                + "function_graph tracer"), r.err);
        r = withAgent("record", "-p", "1", "-l", "a.B.*", "-t", "function", "--max-graph-depth", "3");
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: record: option max_graph_depth: only the function_graph tracer"), r.err);
        r = withAgent("record", "-p", "1", "-l", "a.B.*", "--duration", "0");
        assertEquals("jftrace: record: --duration 0.0 is not a positive number of seconds\n", r.err);
        r = withAgent("record", "-p", "1", "-l", "a.B.*", "-o", tmp.toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("is a directory; give a file in an existing directory"), r.err);
    }

    @Test
    void reportSummarisesTheHeaderAndRefusesOtherFiles() throws Exception {
        Path f = tmp.resolve("t.trace");
        Files.writeString(f, "# jftrace: tracer=function events=12345 lost=2 overrun=0 seconds=5.012 pid=77 "
                + "options=tracer=function,filter=a.B.*\n# tracer: function\nline\n");
        Result r = run("report", f.toString());
        assertEquals(0, r.exit, r.err);
        assertEquals("function: 12,345 events, 2 lost, 0 overrun, in 5.012 s, JVM 77 (tracer=function,filter=a.B.*)\n"
                + "# tracer: function\nline\n", r.out);
        Files.writeString(f, "# tracer: function\n");
        r = run("report", f.toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: report: " + f + " is not a trace jftrace recorded"), r.err);
        r = run("report", tmp.resolve("none").toString());
        assertEquals(1, r.exit);
        assertTrue(r.err.startsWith("jftrace: report: cannot read "), r.err);
    }

    @Test
    void completionCoversCommandsAndOptions() {
        Result r = run("completion");
        assertEquals(0, r.exit);
        assertTrue(r.out.startsWith("#!/usr/bin/env bash"), r.out.substring(0, 80));
        for (String word : List.of("ps list enabled patch unpatch patches reset record report cat echo stream stat run completion", "--agent-jar",
                "--pid", "--no-header", "--duration", "--graph-function")) {
            assertTrue(r.out.contains(word), word);
        }
    }

    @Test
    void theProbeReadsClassHierarchyOutput() {
        assertEquals(JvmProbe.State.STARTED, JvmProbe.parse("java.lang.Object/null\n|--" + JvmProbe.BOOT_CLASS + "/null\n"));
        // a class of that name from another loader is the program's own, not jftrace's
        assertEquals(JvmProbe.State.NOT_STARTED,
                JvmProbe.parse("java.lang.Object/null\n|--" + JvmProbe.BOOT_CLASS + "/0x00007f600010b050\n"));
        assertEquals(JvmProbe.State.NOT_STARTED, JvmProbe.parse(""));
        assertEquals(JvmProbe.State.UNKNOWN, JvmProbe.parse("Unknown diagnostic command\n"));
    }
}
