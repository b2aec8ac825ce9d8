package org.jftrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jftrace report FILE}: a recorded trace ({@code jftrace record -o}, or start-up tracing's
 * {@code output=}) with a one-line summary read from the line jftrace puts first
 * ({@code # jftrace: tracer=... events=N lost=N overrun=N seconds=S pid=P options=...}).
 */
@Command(name = "report", sortOptions = false,
        description = "Prints a trace that 'jftrace record -o FILE' or start-up tracing (output=FILE) wrote, after a "
            + "one-line summary: tracer, events, lost, and where it came from.")
final class ReportCommand implements Callable<Integer> {
    private static final Pattern HEADER = Pattern.compile("^# jftrace: tracer=(\\S+) events=(\\d+) lost=(\\d+) "
            + "overrun=(\\d+) seconds=([\\d.]+) pid=(\\d+) options=(.*)$");

    @Parameters(index = "0", paramLabel = "FILE", description = "The trace file.")
    Path file;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws CliFailure {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "report: cannot read " + file + ": " + e.getMessage());
        }
        Matcher m = HEADER.matcher(text.lines().findFirst().orElse(""));
        if (!m.matches()) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "report: " + file + " is not a trace jftrace recorded (its first "
                    + "line is not '# jftrace: tracer=...'); record one with 'jftrace record -o FILE'");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(m.group(1) + ": " + Progress.count(Long.parseLong(m.group(2))) + " events, "
                + Progress.count(Long.parseLong(m.group(3))) + " lost, " + Progress.count(Long.parseLong(m.group(4)))
                + " overrun, in " + m.group(5) + " s, JVM " + m.group(6) + " (" + m.group(7) + ")");
        out.print(text.substring(text.indexOf('\n') + 1));
        out.flush();
        return Jftrace.EXIT_OK;
    }

    /** {@return events, lost, overrun} of header line {@code first}, zeros if it is not one */
    static long[] counts(String first) {
        Matcher m = HEADER.matcher(first);
        return m.matches() ? new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4))} : new long[3];
    }
}
