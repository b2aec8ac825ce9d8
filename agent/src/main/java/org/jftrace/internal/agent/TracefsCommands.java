package org.jftrace.internal.agent;

import org.jftrace.tracers.fs.Tracefs;

/**
 * The agent's tracefs: one {@link Tracefs} namespace per JVM, made on first use, read and written
 * by the agent commands {@code cat FILE}, {@code echo FILE VALUE} and {@code append FILE VALUE}
 * ({@code jftrace cat|echo -p PID}), and by the streams ({@link StreamSession}).
 */
final class TracefsCommands {
    private static Tracefs fs;

    private TracefsCommands() {
    }

    /** {@return this JVM's namespace} */
    static synchronized Tracefs fs() {
        if (fs == null) {
            fs = Tracefs.create();
        }
        return fs;
    }

    /** {@code cat FILE}: {@return the file's text} */
    static String cat(String file) {
        return fs().read(file);
    }

    /** {@code echo FILE VALUE} or, with {@code append}, {@code echo VALUE >> FILE}: {@return an empty answer} */
    static String echo(String file, String value, boolean append) {
        if (append) {
            fs().append(file, value);
        } else {
            fs().write(file, value);
        }
        return "";
    }

    /**
     * For {@code reset}: ends a stream (which restores what it set up), then puts the namespace back
     * to nop with empty lists (every tracer and the profiler unregistered). {@return what was running, or null}
     */
    static String reset() {
        String stream = StreamSession.abandon();
        Tracefs f;
        synchronized (TracefsCommands.class) {
            f = fs;
        }
        if (f == null) {
            return stream;
        }
        String tracer = f.read("current_tracer").strip();
        boolean profiling = f.read("function_profile_enabled").strip().equals("1");
        f.reset();
        String was = (tracer.equals(Tracefs.NOP) ? "" : "current_tracer " + tracer)
                + (profiling ? (tracer.equals(Tracefs.NOP) ? "" : ", ") + "the function profiler" : "");
        if (stream != null) {
            return "a stream (" + stream + ")" + (was.isEmpty() ? "" : ", " + was);
        }
        return was.isEmpty() ? null : was;
    }
}
