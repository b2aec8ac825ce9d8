package org.jftrace.tracers.fs;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.trigger.FunctionTrigger;
import org.jftrace.tracers.trigger.Triggers;

/**
 * The text rules of {@code set_ftrace_filter}'s commands (the kernel's function probes,
 * {@code glob:traceon|traceoff|stacktrace|snapshot[:count]}), {@code set_ftrace_pid},
 * {@code trace_clock} and {@code snapshot}: what a write makes of the settings, and the change of
 * a running tracer's triggers from one list to another.
 */
final class FilterCommands {
    private static final String MOD = "mod:";

    private FilterCommands() {
    }

    /**
     * {@return whether a word written to set_ftrace_filter is a command rather than a glob}: a known
     * command at its end, or a {@code :} that does not start a glob's {@code :mod:NAME} (so that a
     * typo such as {@code f:traceof} is refused by the command parser, which names the commands)
     */
    static boolean isTrigger(String word) {
        String w = word.startsWith("!") ? word.substring(1) : word;
        if (FunctionTrigger.isTrigger(w)) {
            return true;
        }
        int colon = w.indexOf(':');
        return colon >= 0 && !w.startsWith(MOD, colon + 1);
    }

    /**
     * A write of set_ftrace_filter into {@code n}: globs as {@link GlobList} takes them, commands
     * added ({@code glob:command[:count]}; the same glob and command again replaces it, its counts
     * afresh) or removed ({@code !glob:command}). As in the kernel, a {@code >} write never removes
     * a command; unlike it, a {@code >} write of commands alone leaves the globs as they are (in
     * the kernel it empties them, which here would start tracing every method of the JVM).
     */
    static void writeFilter(Tracefs fs, Settings n, String file, String v, boolean append) {
        List<String> words = GlobList.words(v);
        List<String> globs = new ArrayList<>();
        List<FunctionTrigger> triggers = new ArrayList<>(n.triggers);
        for (String w : words) {
            if (!isTrigger(w)) {
                globs.add(w);
                continue;
            }
            boolean remove = w.startsWith("!");
            FunctionTrigger t = FunctionTrigger.parse(remove ? w.substring(1) : w);
            int at = indexOf(triggers, t);
            if (remove) {
                if (at < 0) {
                    throw new TracefsException("EINVAL", file, "no trigger '" + key(t) + "' to remove: "
                            + "set_ftrace_filter lists the triggers set, after the globs");
                }
                triggers.remove(at);
            } else {
                fs.checkGlob(file, t.glob());
                if (at >= 0) {
                    triggers.set(at, t);
                } else {
                    triggers.add(t);
                }
            }
        }
        if (append || !globs.isEmpty() || words.isEmpty()) {
            n.filter = GlobList.apply(file, n.filter, String.join(" ", globs), append, fs::checkGlob);
        }
        n.triggers = List.copyOf(triggers);
    }

    /** {@return set_ftrace_filter's text: the globs (or the kernel's all-functions line), then the triggers} */
    static String showFilter(Tracefs fs, Settings s) {
        StringBuilder sb = new StringBuilder(GlobList.show(s.filter, true));
        for (String l : fs.triggerLines()) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /**
     * Changes the triggers of a running tracer from {@code prev} to {@code next}: those gone are
     * removed, those new or changed added; the others keep firing with their counts. Each step
     * pushes its undo.
     */
    static void rearm(Triggers t, List<FunctionTrigger> prev, List<FunctionTrigger> next, Deque<Runnable> undo) {
        for (FunctionTrigger p : prev) {
            if (indexOf(next, p) < 0) {
                t.remove(key(p));
                undo.push(() -> t.add(p));
            }
        }
        for (FunctionTrigger x : next) {
            if (!prev.contains(x)) {
                int at = indexOf(prev, x);
                t.add(x);
                FunctionTrigger old = at >= 0 ? prev.get(at) : null;
                undo.push(() -> {
                    if (old != null) {
                        t.add(old);
                    } else {
                        t.remove(key(x));
                    }
                });
            }
        }
    }

    /**
     * A write of set_ftrace_pid into {@code n}: thread ids and thread name globs, separated by
     * blanks or commas; {@code >} replaces, {@code >>} adds, an empty write clears (every thread).
     *
     * @throws org.jftrace.FtraceException EINVAL for a bad glob or thread id (nothing changed)
     */
    static void writePid(Settings n, String v, boolean append) {
        List<String> words = new ArrayList<>(append ? n.threads : List.of());
        for (String w : v.split("[\\s,]+")) {
            if (!w.isEmpty() && !words.contains(w)) {
                words.add(w);
            }
        }
        n.threads = List.copyOf(words);
        n.refilterThreads();
    }

    /** {@return set_ftrace_pid's text: one id or glob a line, the kernel's {@code no pid} for none} */
    static String showPid(Settings s) {
        return s.threads.isEmpty() ? "no pid\n" : String.join("\n", s.threads) + "\n";
    }

    /** {@return trace_clock's text: the clocks, the one in use in brackets} */
    static String showClock(Settings s) {
        List<String> l = new ArrayList<>();
        for (TraceClock c : TraceClock.values()) {
            l.add(c == s.clock ? "[" + c.word() + "]" : c.word());
        }
        return String.join(" ", l) + "\n";
    }

    /** {@return the snapshot file: the current tracer's last copy} */
    static String snapshot(Tracefs fs) {
        if (fs.function() != null) {
            return fs.function().snapshot();
        }
        if (fs.graph() != null) {
            return fs.graph().snapshot();
        }
        return "# tracer: nop\n#\n# * Snapshot is freed *: current_tracer is nop\n";
    }

    /** {@code echo 1 > snapshot} takes one; the tracers cannot free or clear theirs, so 0 and 2 are refused. */
    static void writeSnapshot(Tracefs fs, String file, String v) {
        if (v.equals("1") && fs.function() != null) {
            fs.function().takeSnapshot();
            return;
        }
        if (v.equals("1") && fs.graph() != null) {
            fs.graph().takeSnapshot();
            return;
        }
        if (v.equals("1")) {
            throw new TracefsException("EINVAL", file, "current_tracer is nop: no buffer to copy; write function or "
                    + "function_graph to current_tracer first");
        }
        if (v.isEmpty() || v.equals("0") || v.equals("2")) {
            throw new TracefsException("EINVAL", file, "'" + v + "' would " + (v.equals("2") ? "clear" : "free")
                    + " the snapshot, which the tracers keep until the tracer is replaced (current_tracer, or a "
                    + "setting that restarts it): write 1 to take a new one instead");
        }
        throw new TracefsException("EINVAL", file, "'" + v + "' is not 1: write 1 to copy the buffers aside");
    }

    private static int indexOf(List<FunctionTrigger> l, FunctionTrigger t) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).glob().equals(t.glob()) && l.get(i).command() == t.command()) {
                return i;
            }
        }
        return -1;
    }

    private static String key(FunctionTrigger t) {
        return t.glob() + ":" + t.command().word();
    }
}
