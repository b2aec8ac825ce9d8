package org.jftrace.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jftrace run [options] -- java ...}, trace-cmd record for a program from its start: runs the
 * command with {@code -javaagent:jftrace-agent.jar=tracer=...,filter=...,output=FILE} after its first
 * word (start-up tracing, the agent's {@code TraceOptions}), waits for it, and prints the trace
 * it wrote at exit. The options are checked by the agent's own parser before the program starts.
 */
@Command(name = "run", sortOptions = false,
        description = {"Runs a Java program traced from its first class: 'jftrace run -l com.acme.* -- java -cp app.jar "
            + "com.acme.Main'. When it exits, prints the trace on standard output (or writes it to -o FILE).",
            "The program's own input and output are its own; the exit code is the program's."})
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-l", "--filter"}, required = true, paramLabel = "GLOB",
            description = "set_ftrace_filter: the functions to trace (repeat for more); classes not loaded yet are "
                + "matched as they load.")
    List<String> filter;

    @Mixin
    TracerSetupOptions setup;

    @Mixin
    TraceControlOptions control;

    @Option(names = {"-O", "--option"}, paramLabel = "NAME",
            description = "A tracer option (repeat for more), e.g. funcgraph-proc, parent-ip, nograph-time, "
                + "function-fork (with --threads).")
    List<String> options = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the trace to FILE (readable by you only) instead of standard output.")
    Path output;

    @Option(names = "--agent-jar", paramLabel = "JAR",
            description = "The jftrace-agent.jar to start the program with. Default: $" + AgentJar.ENV
                + ", else the agent inside jftrace.jar.")
    Path agentJar;

    @Mixin
    HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "The program, after '--': java and its options, e.g. -- java -cp app.jar com.acme.Main ARGS.")
    List<String> command;

    /** {@return the agent's options for {@code out}} (start-up tracing's TraceOptions syntax) */
    String agentOptions(Path out) {
        List<String> o = new ArrayList<>(List.of("tracer=" + setup.tracer, "filter=" + String.join(";", filter)));
        setup.addTo(o);
        if (!options.isEmpty()) {
            o.add("options=" + String.join("+", options));
        }
        control.addTo(o);
        o.add("output=" + out);
        return String.join(",", o);
    }

    @Override
    public Integer call() throws CliFailure, IOException, InterruptedException {
        RecordCommand.checkOutput("run", output);
        Path jar = AgentJar.find(agentJar);
        Path dir = output != null ? null : privateDir();
        Path out = output != null ? output.toAbsolutePath() : dir.resolve("trace");
        String agentOptions = agentOptions(out);
        String bad = check(jar, agentOptions);
        if (bad != null) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "run: " + bad);
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add(1, "-javaagent:" + jar + "=" + agentOptions);
        Process p;
        try {
            p = new ProcessBuilder(cmd).inheritIO().start();
        } catch (IOException e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "run: cannot start " + command.get(0) + ": " + e.getMessage());
        }
        // Ctrl-C reaches the program too (one process group); either way its trace is printed once it exits.
        Object lock = new Object();
        boolean[] printed = {false};
        Runnable finish = () -> {
            synchronized (lock) {
                if (!printed[0]) {
                    printed[0] = true;
                    print(out, dir);
                }
            }
        };
        Thread hook = new Thread(() -> {
            try {
                if (p.isAlive() && !p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroy(); // its own shutdown hook writes the trace
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                // print what there is
            }
            finish.run();
            Runtime.getRuntime().halt(p.isAlive() ? Jftrace.EXIT_FAILED : p.exitValue());
        }, "jftrace-run-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        int exit = p.waitFor();
        finish.run();
        return exit;
    }

    private void print(Path out, Path dir) {
        PrintStream err = System.err;
        try {
            if (!Files.isRegularFile(out)) {
                err.println("jftrace: run: the program wrote no trace (" + out + "): it was killed before its exit "
                        + "hooks ran, or jftrace could not start in it (see its output)");
            } else if (dir != null) {
                System.out.print(Files.readString(out));
                System.out.flush();
            } else {
                err.println("jftrace: trace written to " + out);
            }
        } catch (IOException e) {
            err.println("jftrace: run: cannot read the trace " + out + ": " + e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // a directory of this user only, under the temporary directory
                }
            }
        }
    }

    private static Path privateDir() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempDirectory(tmp, "jftrace-run-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory(tmp, "jftrace-run-");
    }

    /** {@return null if the agent of {@code jar} takes {@code options}, else why not} (its own parser, TraceOptions.check) */
    private static String check(Path jar, String options) throws CliFailure {
        try {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Method m = Class.forName("org.jftrace.internal.agent.TraceOptions", true, loader).getMethod("check", String.class);
            return (String) m.invoke(null, options);
        } catch (ReflectiveOperationException | IOException | LinkageError e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "the agent jar " + jar + " is not one this jftrace command can "
                    + "drive (" + e + "): use the jftrace-agent.jar of the same build");
        }
    }
}
