package org.jftrace.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jftrace cat} and {@code jftrace echo}: the JVM's tracefs files (the agent's one
 * namespace per JVM, {@code org.jftrace.tracers.fs.Tracefs}), read and written by name, one
 * attach each, as {@code cat} and {@code echo} do with /sys/kernel/tracing.
 */
final class FileCommands {
    static final String FILES = "Files: available_filter_functions, enabled_functions, set_ftrace_filter, "
            + "set_ftrace_notrace, set_graph_function, set_graph_notrace, current_tracer, available_tracers, tracing_on, "
            + "trace, trace_pipe, buffer_size_kb, buffer_total_size_kb, trace_options, options/NAME, trace_clock, "
            + "max_graph_depth, function_profile_enabled, trace_stat/function, per_thread/bufN/trace, per_thread/bufN/stats.";

    private FileCommands() {
    }

    @Command(name = "cat", sortOptions = false,
            description = {"Prints a tracefs file of the JVM, e.g. 'jftrace cat -p PID trace' (the trace), "
                + "'current_tracer', 'trace_stat/function'. trace_pipe consumes what it prints.", FILES})
    static final class Cat extends TargetCommands.Base {
        @Parameters(index = "0", paramLabel = "FILE", description = "The file, as under /sys/kernel/tracing.")
        String file;

        @Override
        String[] words() {
            return new String[] {"cat", file};
        }

        @Override
        String doing() {
            return "reading " + file;
        }

        @Override
        int print(String out, PrintWriter stdout, Progress progress) {
            stdout.print(out); // a file's text, newlines as they are
            progress.done("read " + file);
            return Jftrace.EXIT_OK;
        }
    }

    @Command(name = "echo", sortOptions = false,
            description = {"Writes VALUE to a tracefs file of the JVM, as 'echo VALUE > FILE' (or '>>' with --append): "
                + "e.g. 'jftrace echo -p PID set_ftrace_filter com.acme.*', then 'jftrace echo -p PID current_tracer "
                + "function'; 'jftrace echo -p PID trace' clears the trace.",
                "A bad value fails (exit 3) with the kernel's errno (EINVAL, ENOENT, EACCES, EBUSY) and changes nothing. "
                + "What echo sets up stays until changed back or 'jftrace reset'.", FILES})
    static final class Echo extends TargetCommands.Base {
        @Parameters(index = "0", paramLabel = "FILE", description = "The file, as under /sys/kernel/tracing.")
        String file;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
                description = "What to write (default: nothing, as 'echo > FILE'): a glob or several separated by "
                    + "spaces for the filter files ('!GLOB' removes one), a tracer, 0 or 1, a number, an option name "
                    + "('no' in front turns it off). Quote it in the shell.")
        String value = "";

        @Option(names = {"-a", "--append"}, description = "Add to the file ('>>') instead of replacing it: for the "
                + "filter files, adds the globs to those there.")
        boolean append;

        @Override
        String[] words() {
            return new String[] {append ? "append" : "echo", file, value};
        }

        @Override
        String doing() {
            return "writing " + file;
        }
    }
}
