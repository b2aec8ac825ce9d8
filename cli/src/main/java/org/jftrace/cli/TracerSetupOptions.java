package org.jftrace.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * The tracer and its setting files that {@code record} and {@code run} both take: current_tracer,
 * set_ftrace_notrace, set_graph_function, max_graph_depth and buffer_size_kb. They travel to the
 * agent as its own options, which its parser checks.
 */
final class TracerSetupOptions {
    @Option(names = {"-n", "--notrace"}, paramLabel = "GLOB", description = "set_ftrace_notrace: functions never traced.")
    List<String> notrace = new ArrayList<>();

    @Option(names = {"-t", "--tracer"}, paramLabel = "TRACER", defaultValue = "function_graph",
            description = "function, function_graph (default) or profile.")
    String tracer;

    @Option(names = {"-g", "--graph-function"}, paramLabel = "GLOB",
            description = "set_graph_function (function_graph): trace only inside these functions.")
    List<String> graphFunction = new ArrayList<>();

    @Option(names = "--max-graph-depth", paramLabel = "N", description = "max_graph_depth (function_graph; 0: no limit).")
    Integer maxGraphDepth;

    @Option(names = {"-b", "--buffer-size-kb"}, paramLabel = "KB", description = "buffer_size_kb of each ring buffer.")
    Integer bufferSizeKb;

    /** Adds the agent's option words for the settings given (the tracer and the filter are the caller's) to {@code out}. */
    void addTo(List<String> out) {
        if (!notrace.isEmpty()) {
            out.add("notrace=" + String.join(";", notrace));
        }
        if (!graphFunction.isEmpty()) {
            out.add("graph_function=" + String.join(";", graphFunction));
        }
        if (maxGraphDepth != null) {
            out.add("max_graph_depth=" + maxGraphDepth);
        }
        if (bufferSizeKb != null) {
            out.add("buffer_size_kb=" + bufferSizeKb);
        }
    }
}
