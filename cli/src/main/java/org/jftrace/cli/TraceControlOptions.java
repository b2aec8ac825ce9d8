package org.jftrace.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * The options of {@code record} and {@code run} beyond the filters: set_ftrace_filter's triggers,
 * set_ftrace_pid, trace_clock and the function tracer's parents. They travel to the agent as its
 * own options ({@code trigger=}, {@code threads=}, {@code clock=}, {@code parents=}), which the
 * agent's parser checks before anything is attached or started.
 */
final class TraceControlOptions {
    @Option(names = "--trigger", paramLabel = "GLOB:CMD[:N]",
            description = "A set_ftrace_filter command (repeat for more): on the functions GLOB matches, traceon, traceoff "
                + "(tracing_on), stacktrace (a stack trace into the trace) or snapshot (the buffers copied aside, printed "
                + "after the trace); N: how many times per function. E.g. --trigger 'com.acme.Orders.fail:traceoff:1'.")
    List<String> triggers = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "LIST",
            description = "set_ftrace_pid: trace only these threads, by Java thread id or thread name glob, separated by "
                + "commas, e.g. --threads '1,worker-*'. With -O function-fork, also the threads they start.")
    String threads;

    @Option(names = "--clock", paramLabel = "CLOCK",
            description = "trace_clock: mono (System.nanoTime, the default), counter (order only, cheapest) or uptime "
                + "(coarse, cheap).")
    String clock;

    @Option(names = "--parents", paramLabel = "MODE",
            description = "The function tracer's <-parent: none (the default), exact (a stack walk per call) or nearest "
                + "(the nearest traced frame, printed <-~parent).")
    String parents;

    /** Adds the agent's option words for what was given to {@code out}. */
    void addTo(List<String> out) {
        if (!triggers.isEmpty()) {
            out.add("trigger=" + String.join(";", triggers));
        }
        if (threads != null) {
            // ';' between them: start-up tracing's option string keeps ',' for separating options
            out.add("threads=" + String.join(";", threads.split("[,\\s]+", -1)));
        }
        if (clock != null) {
            out.add("clock=" + clock);
        }
        if (parents != null) {
            out.add("parents=" + parents);
        }
    }
}
