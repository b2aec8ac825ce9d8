package org.jftrace.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jftrace record}, trace-cmd record for a JVM: starts a tracer in the target (agent
 * command {@code record-start}), waits for {@code --duration} or Ctrl-C, stops it
 * ({@code record-stop}: every ops unregistered, the program restored) and writes the trace.
 *
 * <p>Ctrl-C ends the JVM of this command, so the stop runs in a shutdown hook; the hook and the
 * main thread both go through {@link #finish}, which runs once. The hook then ends the JVM itself
 * ({@code halt}) with the exit code of the stop, as when the duration ran out.
 */
@Command(name = "record", sortOptions = false,
        description = {"Records a trace of the JVM: starts the tracer on the functions GLOB matches, waits for "
            + "--duration or Ctrl-C, stops it (the program runs its original code again) and writes the trace.",
            "Progress goes to standard error; the trace to FILE (readable by you only) or standard output. "
            + "One recording per JVM at a time (a second one fails with exit 3)."})
final class RecordCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = {"-l", "--filter"}, required = true, paramLabel = "GLOB",
            description = "set_ftrace_filter: the functions to trace, as 'jftrace list' takes them (repeat for more), "
                + "e.g. -l 'com.acme.*' -l 'java.util.HashMap.get'. Their classes must be loaded.")
    List<String> filter;

    @Mixin
    TracerSetupOptions setup;

    @Mixin
    TraceControlOptions control;

    @Option(names = {"-O", "--option"}, paramLabel = "NAME",
            description = "A tracer option (repeat for more), e.g. funcgraph-proc, nofuncgraph-duration, parent-ip, "
                + "nograph-time, function-fork (with --threads).")
    List<String> options = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: at Ctrl-C).")
    Double duration;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the trace to FILE (made readable by you only) instead of standard output.")
    Path output;

    /** {@link #finish}'s answer when there was nothing (more) to stop. */
    private static final int DONE_BEFORE = -1;

    private final Object lock = new Object();
    private String id;
    private boolean finished;
    private long startNanos;

    /** {@return the agent's record-start words} */
    String[] words() {
        List<String> w = new ArrayList<>(List.of("record-start", "tracer=" + setup.tracer, "filter=" + String.join(";", filter)));
        setup.addTo(w);
        if (!options.isEmpty()) {
            w.add("options=" + String.join("+", options));
        }
        control.addTo(w);
        return w.toArray(new String[0]);
    }

    @Override
    public Integer call() throws CliFailure, InterruptedException {
        if (duration != null && !(duration > 0 && duration < 1e9)) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "record: --duration " + duration + " is not a positive number of "
                    + "seconds");
        }
        checkOutput("record", output);
        Progress progress = new Progress(System.err, true);
        AgentChannel channel = AgentChannel.of(AgentJar.find(target.agentJar));
        String[] w = words();
        channel.check(w);
        channel.checkTarget(target.pid);
        // Before the start: a Ctrl-C while it runs still stops what it started (finish waits for it).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int exit = finish(channel, progress);
            if (exit != DONE_BEFORE) {
                Runtime.getRuntime().halt(exit); // Ctrl-C: the stop's exit code, not the signal's
            }
        }, "jftrace-record-stop"));
        progress.step("starting " + setup.tracer + " in JVM " + target.pid + " on " + String.join(", ", filter));
        String[] started;
        synchronized (lock) {
            started = channel.call(target.pid, w).split(" ");
            id = started[0];
            startNanos = System.nanoTime();
        }
        progress.step("recording " + setup.tracer + " on " + Progress.count(Long.parseLong(started[1])) + " methods of JVM "
                + target.pid + (duration != null ? String.format(Locale.ROOT, " for %.1f s", duration) : " until Ctrl-C"));
        if (duration != null) {
            Thread.sleep((long) (duration * 1000));
        } else {
            Thread.sleep(Long.MAX_VALUE);
        }
        return finish(channel, progress);
    }

    /**
     * Stops the recording (once, whoever calls first: the main thread or the Ctrl-C hook) and
     * writes the trace. {@return the exit code}
     */
    private int finish(AgentChannel channel, Progress progress) {
        synchronized (lock) {
            if (finished || id == null) {
                return DONE_BEFORE; // stopped already, or nothing started (the start failed and said so)
            }
            finished = true;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            String text;
            try {
                text = channel.call(target.pid, "record-stop", id);
            } catch (CliFailure e) {
                System.err.println("jftrace: " + e.getMessage());
                return e.exit;
            }
            long[] counts = ReportCommand.counts(text.lines().findFirst().orElse(""));
            try {
                if (output != null) {
                    writePrivate(output, text);
                } else {
                    PrintStream out = System.out;
                    out.print(text.endsWith("\n") ? text : text + "\n");
                    out.flush();
                }
            } catch (IOException e) {
                System.err.println("jftrace: cannot write " + output + ": " + e);
                return Jftrace.EXIT_FAILED;
            }
            progress.say(String.format(Locale.ROOT, "%s events in %.1f s%s%s", Progress.count(counts[0]), seconds,
                    counts[1] > 0 ? ", " + Progress.count(counts[1]) + " lost" : "",
                    output != null ? ", written to " + output : ""));
            return Jftrace.EXIT_OK;
        }
    }

    /** Refuses {@code -o output} of command {@code command} when it is a directory or its directory does not exist (exit 1). */
    static void checkOutput(String command, Path output) throws CliFailure {
        if (output != null && (Files.isDirectory(output) || output.toAbsolutePath().getParent() == null
                || !Files.isDirectory(output.toAbsolutePath().getParent()))) {
            throw new CliFailure(Jftrace.EXIT_USAGE, command + ": -o " + output + ": " + (Files.isDirectory(output)
                    ? "is a directory" : "its directory does not exist") + "; give a file in an existing directory");
        }
    }

    /** Writes {@code text} to {@code file} as a new file of this user only, renamed into place. */
    static void writePrivate(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path part = posix ? Files.createTempFile(dir, ".jftrace-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".jftrace-", ".part");
        try {
            Files.write(part, text.getBytes(StandardCharsets.UTF_8));
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
