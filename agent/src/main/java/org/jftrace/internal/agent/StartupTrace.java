package org.jftrace.internal.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.jftrace.FtraceException;

/**
 * Start-up tracing, {@code -javaagent:jftrace-agent.jar=tracer=function_graph,filter=GLOB,...,output=FILE}:
 * the tracer starts in {@code premain}, before the program's main class loads, and a shutdown
 * hook writes its text to {@code output} (user-only) when the JVM exits. Called by reflection from
 * {@link org.jftrace.agent.JftraceAgent#premain}: {@link TraceOptions#check} before jftrace starts
 * (the option string alone, touching no class but the parser's), {@link #start} after.
 */
public final class StartupTrace {
    private StartupTrace() {
    }

    /**
     * Starts the tracer of {@code options} (checked by {@link TraceOptions#check}) and the hook that writes its
     * trace at exit.
     *
     * @return null once tracing, else why not
     */
    public static String start(String options) {
        TraceOptions o = TraceOptions.parse(options);
        // Pending patterns: at premain almost nothing of the program is loaded; the core keeps the
        // patterns and hooks the classes they match as they load.
        TraceSession s = new TraceSession(o, true);
        try {
            s.start();
        } catch (FtraceException e) {
            return "cannot start the " + o.tracer + " tracer: " + e.getMessage();
        }
        Thread hook = new Thread(() -> write(s), "jftrace-startup-trace");
        Runtime.getRuntime().addShutdownHook(hook);
        return null;
    }

    /** At exit: freezes the buffers (hooks stay: no retransformation during shutdown) and writes the trace. */
    private static void write(TraceSession s) {
        s.freeze();
        String text = s.text();
        Path out = s.options.output;
        try {
            if (out == null) {
                PrintStream err = System.err;
                err.print(text);
                err.flush();
            } else {
                writePrivate(out, text);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[jftrace] cannot write the trace to " + out + ": " + e);
        }
    }

    /**
     * Writes {@code text} to {@code file}, readable by this user only: into a new file of the same
     * directory made {@code rw-------}, then renamed over {@code file} (an existing file's wider
     * permissions never apply, and a reader never sees half a trace).
     */
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
