package org.jftrace.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * The agent's side of a command ({@link Attach}'s exchange): reads the request a command left in its
 * directory, runs it, writes the answer into the directory's result file; the request comes as the
 * argument of {@link JftraceAgent#agentmain} or rung at the {@link Doorbell}. Like the agent's entry
 * class, this names no core class: the core is reached by reflection once jftrace has started.
 */
final class AttachRequests {
    private static final String COMMANDS = "org.jftrace.internal.agent.AgentCommands";
    private static final String GUARD = "org.jftrace.internal.dispatch.ThreadGuard";

    private AttachRequests() {
    }

    /**
     * Reads the request in directory {@code options}, runs it (starting jftrace first if needed) and
     * writes the answer into the directory's result file. One request at a time: {@link Doorbell}'s
     * rings and the JVM's attach listener take turns, as loads alone did.
     */
    static void answer(String options, Instrumentation inst) {
        synchronized (REQUESTS) {
            // jftrace runs already (a command that attached while a tracer is on): its own work from the
            // request's first read (answerLocked marks it after the start otherwise)
            Boolean wasBusy = JftraceAgent.started ? ownWork(true, false) : null;
            try {
                answerLocked(options, inst);
            } finally {
                if (wasBusy != null) {
                    ownWork(false, wasBusy);
                }
            }
        }
    }

    private static final Object REQUESTS = new Object();

    private static void answerLocked(String options, Instrumentation inst) {
        Path dir = Path.of(options);
        String[] request;
        try {
            request = readRequest(dir);
        } catch (IOException | RuntimeException e) {
            System.err.println("[jftrace] warning: ignored an attach request: cannot read " + dir.resolve(Attach.REQUEST)
                    + ": " + e.getMessage());
            return;
        }
        String token = request[0];
        String status;
        String message;
        Throwable failure = JftraceAgent.start(null, inst);
        // jftrace's own work from here: the JDK code of the command and of this answer (files) is not
        // traced by guarded ops, on the JVM's attach listener as on the doorbell
        Boolean wasBusy = failure == null ? ownWork(true, false) : null;
        try {
            if (failure != null) {
                JftraceAgent.warnStartFailure(failure, false);
                status = Attach.START_FAILED;
                message = failure instanceof IOException ? failure.getMessage() : String.valueOf(failure);
            } else {
                String result;
                try {
                    Class<?> commands = Class.forName(COMMANDS, true, AttachRequests.class.getClassLoader());
                    result = (String) commands.getMethod("run", String[].class, Instrumentation.class)
                            .invoke(null, Arrays.copyOfRange(request, 1, request.length), inst);
                } catch (InvocationTargetException e) {
                    result = Attach.ERROR + ": " + e.getCause();
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    result = Attach.ERROR + ": " + e;
                }
                int colon = result.indexOf(": ");
                status = colon < 0 ? Attach.ERROR : result.substring(0, colon);
                message = colon < 0 ? result : result.substring(colon + 2);
            }
            try {
                // The command made the file for this user only; the agent writes into it, never creates one.
                Files.write(dir.resolve(Attach.RESULT), String.join("\0", token, status, message)
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                System.err.println("[jftrace] warning: cannot answer an attach request (" + status + ": " + message
                        + "): " + e);
            }
            if (failure == null) {
                Doorbell.start(inst); // later commands ring instead of loading the agent again (once per JVM)
            }
        } finally {
            if (wasBusy != null) {
                ownWork(false, wasBusy);
            }
        }
    }

    /**
     * {@code ThreadGuard.enterJftrace()} ({@code enter}) or {@code leaveJftrace(previous)}, by reflection
     * (this class names no core class). {@return the state before, for the leave; true if unknown}
     */
    static boolean ownWork(boolean enter, boolean previous) {
        try {
            Class<?> guard = Class.forName(GUARD, true, AttachRequests.class.getClassLoader());
            if (enter) {
                return (Boolean) guard.getMethod("enterJftrace").invoke(null);
            }
            guard.getMethod("leaveJftrace", boolean.class).invoke(null, previous);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // not marked: the command runs as before
        }
        return true;
    }

    /**
     * {@return token, then the command's words} of the request in directory {@code dir}, which the
     * attaching command made for its user only.
     */
    private static String[] readRequest(Path dir) throws IOException {
        Path file = dir.resolve(Attach.REQUEST);
        if (!dir.isAbsolute() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not an attach request directory (the agent argument is the path that "
                    + "'java -jar jftrace-agent.jar PID ...' passes)");
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            for (Path p : new Path[] {dir, file}) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                    throw new IOException(p + " is writable by other users");
                }
            }
        }
        if (Files.size(file) > 1 << 20) {
            throw new IOException("too large");
        }
        String[] w = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\0", -1);
        if (w.length < 3 || !w[0].equals(Attach.MAGIC)) {
            throw new IOException("not a request of this jftrace version (" + Attach.MAGIC + ")");
        }
        return Arrays.copyOfRange(w, 1, w.length);
    }
}
