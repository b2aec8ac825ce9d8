package org.jftrace.internal.agent;

import static org.jftrace.internal.agent.AttachProtocol.EXIT_FAILED;
import static org.jftrace.internal.agent.AttachProtocol.EXIT_NO_JVM;
import static org.jftrace.internal.agent.AttachProtocol.EXIT_OK;
import static org.jftrace.internal.agent.AttachProtocol.EXIT_USAGE;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.jar.JarFile;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

import org.jftrace.FtraceException;
import org.jftrace.internal.glob.Glob;

/**
 * The attaching side of the exchange ({@link AttachProtocol}): checks a command's words, checks
 * the target process, loads the agent jar there with the request directory as argument and reads
 * the answer. Used by {@code java -jar jftrace-agent.jar PID ...} ({@link org.jftrace.agent.Attach})
 * and by the {@code jftrace} command, which loads this class by reflection from the very agent jar
 * it loads into the target, so that both halves of the exchange are always one version.
 *
 * <p>The reflective boundary takes and returns JDK types only: {@link #check} and {@link #call}
 * return {@code {exit code, text}}, the text being the command's output for exit 0 and the reason
 * otherwise (exit codes in {@link AttachProtocol}).
 *
 * <p>Commands (words): {@code install}; {@code patch TARGET REPLACEMENT [JAR]}; {@code unpatch
 * TARGET}; {@code patches}; {@code list [GLOB]}; {@code enabled}; {@code reset}; {@code record-start
 * OPTION...} ({@link TraceOptions}' {@code name=value} items); {@code record-stop ID}; {@code cat FILE},
 * {@code echo FILE VALUE}, {@code append FILE VALUE} (the tracefs files, {@link TracefsCommands});
 * {@code stream-open pipe|stat [tracer=T] [filter=G;G...]} ({@link StreamSession}).
 */
public final class AttachClient {
    static final String NAME_FORM = "binary.class.Name.method[(params)]";
    /** HotSpot's attach protocol (JDK 17) takes arguments of at most 1,024 bytes with the final NUL. */
    private static final int ARG_MAX = 1000;
    private static final String COMMANDS = "install, patch, unpatch, patches, list, enabled, reset, record-start, "
            + "record-stop, cat, echo, append, stream-open";

    private AttachClient() {
    }

    /**
     * Checks command {@code words} here, before any attach; a patch's jar becomes its absolute path
     * (in {@code words}).
     *
     * @return null if the command is well formed, else {@code {"1", reason}}
     */
    public static String[] check(String[] words) {
        try {
            checkCommand(words);
            return null;
        } catch (AttachFailure f) {
            return new String[] {Integer.toString(f.exit), f.getMessage()};
        }
    }

    /**
     * Checks process {@code pid} from /proc, without attaching: it exists, runs as this user, is a
     * JVM that can attach (fast: the attach API takes over 10 s to give up on a process that is not
     * a JVM).
     *
     * @return null if it looks attachable, else {@code {"2", reason}}
     */
    public static String[] checkTarget(long pid) {
        try {
            TargetProcess.check(pid);
            return null;
        } catch (AttachFailure f) {
            return new String[] {Integer.toString(f.exit), f.getMessage()};
        }
    }

    /**
     * Runs command {@code words} in JVM {@code pid}, loading {@code agentJar} there (jftrace starts
     * on the first attach; later ones find it started).
     *
     * @return {@code {"0", output}} or {@code {exit code, reason}}
     */
    public static String[] call(String[] words, long pid, Path agentJar) {
        try {
            checkCommand(words);
            TargetProcess target = TargetProcess.check(pid);
            AttachRequest request = AttachRequest.create(target);
            try {
                request.write(words);
                if (!ring(target, request)) {
                    FileChannel attaching = attachLock(pid);
                    try {
                        // another command may have started jftrace there while this one waited
                        if (!ring(target, request)) {
                            load(pid, agentJar, request);
                        }
                    } finally {
                        if (attaching != null) {
                            try {
                                attaching.close(); // the lock goes with it
                            } catch (IOException ignored) {
                                // closed all the same
                            }
                        }
                    }
                }
                return new String[] {Integer.toString(EXIT_OK), request.answer(pid, agentJar)};
            } finally {
                request.delete();
            }
        } catch (AttachFailure f) {
            return new String[] {Integer.toString(f.exit), f.getMessage()};
        }
    }

    /** Checks the command's words (the usage lines name the old front end, which alone gets arity wrong). */
    private static void checkCommand(String[] w) throws AttachFailure {
        if (w.length == 0) {
            throw new AttachFailure(EXIT_USAGE, "no command; use one of " + COMMANDS);
        }
        switch (w[0]) {
            case "install":
            case "patches":
            case "enabled":
            case "reset":
                if (w.length != 1) {
                    throw new AttachFailure(EXIT_USAGE, "usage: java -jar jftrace-agent.jar PID " + w[0]);
                }
                return;
            case "list":
                if (w.length > 2) {
                    throw new AttachFailure(EXIT_USAGE, "usage: java -jar jftrace-agent.jar PID list [GLOB]");
                }
                if (w.length == 2) {
                    checkGlob(w[1]);
                }
                return;
            case "record-start":
                try {
                    TraceOptions.of(java.util.Arrays.asList(w).subList(1, w.length), false);
                } catch (IllegalArgumentException e) {
                    throw new AttachFailure(EXIT_USAGE, "record: " + e.getMessage());
                }
                return;
            case "cat":
                if (w.length != 2 || w[1].isBlank()) {
                    throw new AttachFailure(EXIT_USAGE, "usage: cat FILE");
                }
                return;
            case "echo":
            case "append":
                if (w.length != 3 || w[1].isBlank()) {
                    throw new AttachFailure(EXIT_USAGE, "usage: " + w[0] + " FILE VALUE");
                }
                return;
            case "stream-open":
                if (w.length < 2 || !(w[1].equals("pipe") || w[1].equals("stat"))) {
                    throw new AttachFailure(EXIT_USAGE, "usage: stream-open pipe|stat [tracer=T] [filter=GLOB;GLOB...]");
                }
                for (String item : w) {
                    if (item.startsWith("threads=")) {
                        try { // as set_ftrace_pid will take it, before any attach
                            org.jftrace.tracers.ThreadFilter.parse(item.substring(8).replace(';', ' '), false);
                        } catch (FtraceException e) {
                            throw new AttachFailure(EXIT_USAGE, "--threads: " + e.getMessage());
                        }
                    }
                }
                return;
            case "record-stop":
                if (w.length != 2) {
                    throw new AttachFailure(EXIT_USAGE, "usage: record-stop ID");
                }
                return;
            case "unpatch":
                if (w.length != 2) {
                    throw new AttachFailure(EXIT_USAGE, "usage: java -jar jftrace-agent.jar PID unpatch TARGET");
                }
                methodClass("unpatch", "TARGET", w[1]);
                return;
            case "patch":
                if (w.length < 3 || w.length > 4) {
                    throw new AttachFailure(EXIT_USAGE,
                            "usage: java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]");
                }
                methodClass("patch", "TARGET", w[1]);
                String cls = methodClass("patch", "REPLACEMENT", w[2]);
                if (w.length == 4) {
                    w[3] = checkJar(w[3], cls);
                }
                return;
            default:
                throw new AttachFailure(EXIT_USAGE, "unknown command '" + w[0] + "'; use one of " + COMMANDS);
        }
    }

    /** A glob for list, parsed here as the target will (the kernel's filter syntax, {@link Glob}). */
    private static void checkGlob(String glob) throws AttachFailure {
        Glob g;
        try {
            g = Glob.parse(glob);
        } catch (FtraceException e) {
            throw new AttachFailure(EXIT_USAGE, "list: " + e.getMessage());
        }
        if (g.negated()) {
            throw new AttachFailure(EXIT_USAGE, "list: \"" + glob.trim() + "\" starts with '!', which removes "
                    + "functions from a filter; list takes a pattern of the functions to show: drop the '!'");
        }
    }

    /** {@return the class part of method name {@code name}}, checked as the target will parse it. */
    static String methodClass(String command, String what, String name) throws AttachFailure {
        String n = name.trim();
        if (n.isEmpty()) {
            throw new AttachFailure(EXIT_USAGE, command + ": " + what + " is empty; give it as " + NAME_FORM);
        }
        int paren = n.indexOf('(');
        String fname = paren < 0 ? n : n.substring(0, paren);
        int dot = fname.lastIndexOf('.');
        if (dot <= 0 || dot == fname.length() - 1 || (paren >= 0 && !n.endsWith(")"))) {
            throw new AttachFailure(EXIT_USAGE, command + ": " + what + " \"" + name + "\" is not " + NAME_FORM);
        }
        return fname.substring(0, dot);
    }

    /** {@return the absolute path of the replacement's jar}, checked to hold class {@code cls}. */
    private static String checkJar(String arg, String cls) throws AttachFailure {
        if (arg.isEmpty()) {
            throw new AttachFailure(EXIT_USAGE, "patch: JAR is empty; give the jar that holds " + cls
                    + ", or leave JAR out if the JVM has the class already");
        }
        Path jar = Path.of(arg).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AttachFailure(EXIT_USAGE, "patch: JAR " + jar + (Files.exists(jar) ? " is not a file"
                    : " does not exist"));
        }
        String entry = cls.replace('.', '/') + ".class";
        try (JarFile f = new JarFile(jar.toFile())) {
            if (f.getJarEntry(entry) == null) {
                throw new AttachFailure(EXIT_USAGE, "patch: JAR " + jar + " has no " + entry
                        + " (the replacement's class " + cls + ")");
            }
        } catch (IOException e) {
            throw new AttachFailure(EXIT_USAGE, "patch: JAR " + jar + " cannot be read as a jar: " + e.getMessage());
        }
        return jar.toString();
    }

    /**
     * Rings the doorbell of a jftrace started in the target by an earlier command, which answers the
     * request without an agent load (each load makes JDK 21+ print four warning lines in the target).
     * {@return false if no jftrace listens there (none started, a stale socket, another version): attach}
     */
    private static boolean ring(TargetProcess target, AttachRequest request) throws AttachFailure {
        if (target.doorbell == null || !Files.exists(target.doorbell, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(target.doorbell));
            } catch (IOException e) {
                return false; // no one listens: a JVM that had this pid died
            }
            ByteBuffer ring = ByteBuffer.wrap((AttachProtocol.DOORBELL_MAGIC + " " + request.targetDir + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (ring.hasRemaining()) {
                ch.write(ring);
            }
            String reply = readReply(ch);
            if (reply.equals(AttachProtocol.DONE)) {
                return true;
            }
            if (reply.equals(AttachProtocol.REFUSED)) {
                return false;
            }
            throw new AttachFailure(TargetProcess.alive(target.pid) ? EXIT_FAILED : EXIT_NO_JVM, "JVM " + target.pid
                    + (TargetProcess.alive(target.pid) ? " closed the connection to jftrace without an answer (see its "
                    + "standard error)" : " exited before jftrace answered"));
        } catch (IOException e) {
            throw new AttachFailure(TargetProcess.alive(target.pid) ? EXIT_FAILED : EXIT_NO_JVM, "cannot talk to jftrace in JVM "
                    + target.pid + ": " + (TargetProcess.alive(target.pid) ? e.getMessage() : "no such process"));
        }
    }

    /**
     * Takes this user's lock on attaching to JVM {@code pid} (a file under java.io.tmpdir/jftrace-USER):
     * commands started together attach one at a time, so the later ones find jftrace started and ring.
     * Two first attaches at once can also make the JVM print a thread dump (its attach listener starts on
     * SIGQUIT, and a second SIGQUIT dumps the threads). {@return the locked channel, or null when no
     * lock can be had (the command attaches unlocked, as before)}
     */
    private static FileChannel attachLock(long pid) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jftrace-"
                    + System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_"));
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            if (posix) {
                PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Path self = Path.of("/proc/self");
                boolean mine = !Files.isDirectory(self) || a.owner().equals(Files.getOwner(self));
                if (!a.isDirectory() || !mine || a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                        || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                    return null; // not a directory of this user alone
                }
            }
            Path file = dir.resolve("attach-" + pid + ".lock");
            Set<OpenOption> open = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileChannel ch = posix ? FileChannel.open(file, open, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))) : FileChannel.open(file, open);
            try {
                ch.lock();
                removeDeadLocks(dir);
                return ch;
            } catch (IOException | RuntimeException e) {
                ch.close();
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Deletes the attach locks of processes that are gone: one small file per JVM attached to stays, not more. */
    private static void removeDeadLocks(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "attach-*.lock")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                String pid = n.substring("attach-".length(), n.length() - ".lock".length());
                if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // tidying only
        }
    }

    /** {@return the doorbell's one-line answer, or "" if the connection ended without one} */
    private static String readReply(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        while (b.hasRemaining() && ch.read(b) >= 0) {
            for (int i = 0; i < b.position(); i++) {
                if (b.get(i) == '\n') {
                    return new String(b.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    private static void load(long pid, Path agent, AttachRequest request) throws AttachFailure {
        String option = request.targetDir;
        int argBytes = (agent + "=" + option).getBytes(StandardCharsets.UTF_8).length;
        if (argBytes > ARG_MAX) {
            throw new AttachFailure(EXIT_NO_JVM, "cannot attach to JVM " + pid + ": the agent jar's path and the "
                    + "request directory's path (" + argBytes + " bytes) are too long for the JVM's attach protocol; "
                    + "use a shorter java.io.tmpdir or agent jar path");
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgent(agent.toString(), option);
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new AttachFailure(EXIT_NO_JVM, "cannot attach to JVM " + pid + ": " + (TargetProcess.alive(pid)
                    ? e.getMessage() + " (is it a JVM run by the same user, with attach enabled?)"
                    : "no such process; check the pid with 'jps'"));
        } catch (AgentLoadException e) {
            throw new AttachFailure(EXIT_FAILED, "jftrace could not be loaded into JVM " + pid + ": " + e.getMessage());
        } catch (AgentInitializationException e) {
            // agentmain threw: jftrace's own never does, so this is the JVM's or an older agent's doing
            throw new AttachFailure(EXIT_FAILED, "jftrace failed to start in JVM " + pid + ": " + e.getMessage()
                    + " (see the JVM's standard error)");
        } catch (IOException e) {
            throw new AttachFailure(EXIT_NO_JVM, "cannot talk to JVM " + pid + ": " + (TargetProcess.alive(pid)
                    ? e.getMessage() : "no such process"));
        }
    }
}
