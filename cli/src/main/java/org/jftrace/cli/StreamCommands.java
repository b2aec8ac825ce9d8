package org.jftrace.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jftrace stream} (trace_pipe, live) and {@code jftrace stat} (the function profiler), on {@link StreamClient}. */
final class StreamCommands {
    private StreamCommands() {
    }

    /** Adds {@code threads=} for {@code --threads}, ';' between the ids and globs (the agent's item syntax). */
    static void addThreads(List<String> w, String threads) {
        if (threads != null) {
            w.add("threads=" + String.join(";", threads.split("[,\\s]+", -1)));
        }
    }

    static void checkThreads(String command, String threads, List<String> filter) throws CliFailure {
        if (threads != null && filter.isEmpty()) {
            throw new CliFailure(Jftrace.EXIT_USAGE, command + ": --threads needs -l GLOB: it applies to what " + command
                    + " sets up (for a set-up made with 'jftrace echo', echo set_ftrace_pid too)");
        }
    }

    static void checkDuration(String command, Double duration) throws CliFailure {
        if (duration != null && !(duration > 0 && duration < 1e9)) {
            throw new CliFailure(Jftrace.EXIT_USAGE, command + ": --duration " + duration + " is not a positive number "
                    + "of seconds");
        }
    }

    @Command(name = "stream", sortOptions = false,
            description = {"Prints the JVM's trace_pipe as events come, until Ctrl-C or --duration.",
                "With -l, sets up the tracer itself (current_tracer must be nop) and takes it off at the end: the "
                + "program runs its original code again, even if this command is killed. Without -l, reads the "
                + "tracer set up with 'jftrace echo', and leaves it running."})
    static final class Stream implements Callable<Integer> {
        @Mixin
        TargetOptions target;

        @Option(names = {"-l", "--filter"}, paramLabel = "GLOB",
                description = "set_ftrace_filter: the functions to trace (repeat for more), as 'jftrace list' takes them.")
        List<String> filter = new ArrayList<>();

        @Option(names = {"-t", "--tracer"}, paramLabel = "TRACER", completionCandidates = Tracers.class,
                description = "With -l: function (default) or function_graph.")
        String tracer;

        @Option(names = "--threads", paramLabel = "LIST",
                description = "With -l: set_ftrace_pid, only these threads (Java thread ids or thread name globs, "
                    + "comma-separated); put back at the end.")
        String threads;

        @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: at Ctrl-C).")
        Double duration;

        @Override
        public Integer call() throws CliFailure {
            checkDuration("stream", duration);
            if (tracer != null && !(tracer.equals("function") || tracer.equals("function_graph"))) {
                throw new CliFailure(Jftrace.EXIT_USAGE, "stream: -t " + tracer + " is not a tracer that streams: give "
                        + "function or function_graph");
            }
            if (tracer != null && filter.isEmpty()) {
                throw new CliFailure(Jftrace.EXIT_USAGE, "stream: -t needs -l GLOB (the functions to trace); without "
                        + "both, stream reads the tracer set up with 'jftrace echo'");
            }
            checkThreads("stream", threads, filter);
            List<String> w = new ArrayList<>(List.of("stream-open", "pipe"));
            if (tracer != null) {
                w.add("tracer=" + tracer);
            }
            if (!filter.isEmpty()) {
                w.add("filter=" + String.join(";", filter));
            }
            addThreads(w, threads);
            AgentChannel channel = AgentChannel.of(AgentJar.find(target.agentJar));
            return new StreamClient().run(channel, target.pid, w.toArray(new String[0]), duration, System.out,
                    new Progress(System.err, target.verbose), "streaming trace_pipe");
        }
    }

    @Command(name = "stat", sortOptions = false,
            description = {"Profiles the functions GLOB matches (the function profiler: hits, total, average and "
                + "variance of the time per function) until Ctrl-C or --duration, then prints trace_stat/function "
                + "and takes the profiler off: the program runs its original code again.",
                "Without -l, prints trace_stat/function of the profiler set up with 'jftrace echo -p PID "
                + "function_profile_enabled 1'."})
    static final class Stat implements Callable<Integer> {
        @Mixin
        TargetOptions target;

        @Option(names = {"-l", "--filter"}, paramLabel = "GLOB",
                description = "set_ftrace_filter: the functions to profile (repeat for more).")
        List<String> filter = new ArrayList<>();

        @Option(names = "--threads", paramLabel = "LIST",
                description = "With -l: set_ftrace_pid, only these threads (Java thread ids or thread name globs, "
                    + "comma-separated); put back at the end.")
        String threads;

        @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: at Ctrl-C).")
        Double duration;

        @Override
        public Integer call() throws CliFailure {
            checkDuration("stat", duration);
            checkThreads("stat", threads, filter);
            AgentChannel channel = AgentChannel.of(AgentJar.find(target.agentJar));
            Progress progress = new Progress(System.err, target.verbose);
            if (filter.isEmpty()) {
                channel.checkTarget(target.pid);
                if (!channel.call(target.pid, "cat", "function_profile_enabled").strip().equals("1")) {
                    throw new CliFailure(Jftrace.EXIT_USAGE, "stat: the function profiler is off in JVM " + target.pid
                            + ": give -l GLOB (the functions to profile), or turn it on with 'jftrace echo -p "
                            + target.pid + " function_profile_enabled 1'");
                }
                System.out.print(channel.call(target.pid, "cat", "trace_stat/function"));
                System.out.flush();
                return Jftrace.EXIT_OK;
            }
            List<String> w = new ArrayList<>(List.of("stream-open", "stat", "filter=" + String.join(";", filter)));
            addThreads(w, threads);
            return new StreamClient().run(channel, target.pid, w.toArray(new String[0]), duration, System.out, progress,
                    "profiling");
        }
    }

    /** Completion candidates of {@code -t}. */
    static final class Tracers extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Tracers() {
            super(List.of("function", "function_graph"));
        }
    }
}
