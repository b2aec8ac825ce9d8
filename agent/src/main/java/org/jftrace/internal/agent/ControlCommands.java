package org.jftrace.internal.agent;

import java.util.List;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FunctionInfo;
import org.jftrace.LivePatch;
import org.jftrace.internal.glob.Glob;

/**
 * The tracefs-like reads and the reset that {@code jftrace list|reset -p PID} run in the target,
 * through the public API ({@link Ftrace}, {@link LivePatch}) but for the glob, which is the one
 * every filter uses ({@link Glob}: the kernel's {@code set_ftrace_filter} syntax).
 */
final class ControlCommands {
    private ControlCommands() {
    }

    /**
     * {@return {@code available_filter_functions}, one per line as the kernel prints it (name, and
     * the module in brackets when known), restricted to {@code glob} when not null}
     */
    static String availableFilterFunctions(String glob) {
        Glob g = glob == null ? null : Glob.parse(glob);
        if (g != null && g.negated()) {
            throw new IllegalArgumentException("list takes a pattern of the functions to show, not a '!' pattern");
        }
        StringBuilder sb = new StringBuilder(1 << 16);
        for (FunctionInfo f : Ftrace.availableFilterFunctions()) {
            if (g != null && !g.matches(f.name(), f.parameters(), f.module())) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(f.signature());
            if (!f.module().isEmpty()) {
                sb.append(" [").append(f.module()).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * Undoes every live patch, then checks {@code enabled_functions}: empty means every class has
     * its original bytecode back (the core restores a class when its last hook goes).
     * <b>Important</b>: the public API has no call to unregister an ops that another caller (the
     * program itself, a tracer) registered, so those stay; they are named in the error.
     *
     * @throws FtraceException EBUSY when functions are still hooked after the patches are undone
     */
    static String reset() {
        String recording = Recording.abandon(); // a recording whose command was killed keeps its hooks until here
        String tracefs = TracefsCommands.reset(); // what was set up through the files, or a stream
        List<LivePatch> patches = LivePatch.active();
        for (LivePatch p : patches) {
            p.undo();
        }
        String undone = (recording == null ? "" : "stopped the recording (" + recording + "), its trace dropped; ")
                + (tracefs == null ? "" : "stopped " + tracefs + " (tracefs files back to nop, lists empty); ")
                + "undid " + patches.size() + (patches.size() == 1 ? " patch" : " patches");
        List<EnabledFunction> left = Ftrace.enabledFunctions();
        if (!left.isEmpty()) {
            throw new FtraceException(Errno.EBUSY, undone + "; " + left.size() + " function" + (left.size() == 1 ? " is" : "s are")
                    + " still hooked by ops registered in the program itself, which jftrace's API cannot unregister "
                    + "from outside:\n" + AgentCommands.lines(left));
        }
        return undone + "; no function is hooked: every class runs its original bytecode";
    }
}
