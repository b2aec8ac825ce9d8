package org.jftrace.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * Loads jftrace into a running JVM and runs a command there:
 * <pre>
 * java -jar jftrace-agent.jar PID                                  install the agent
 * java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]   live-patch TARGET (JAR holds the replacement)
 * java -jar jftrace-agent.jar PID unpatch TARGET                   undo it
 * java -jar jftrace-agent.jar PID patches                          list the patches in force
 * </pre>
 * Exit codes: 0 done, 1 usage (checked here, before any attach), 2 no such JVM or attach refused,
 * 3 the agent or the command failed there.
 *
 * <p>The command and its answer do not travel in the attach protocol's agent argument (on JDK 17 it
 * holds about 1,000 characters) nor in a system property of the target (which any code there can
 * read or forge): this side makes a directory only its user can enter, writes the request into it
 * (a random token, then the command's words, NUL-separated: no command-line argument holds a NUL),
 * creates an empty result file there, and passes the directory's path as the agent argument; the
 * agent ({@link JftraceAgent#agentmain}) writes the token and its answer into the result file. An
 * answer without this attach's token is not taken; the directory is deleted afterwards.
 */
public final class Attach {
    /** First word of a request file: the version of this exchange. */
    static final String MAGIC = "jftrace-attach-1";
    /** In the request directory: what to do (written here). */
    static final String REQUEST = "request";
    /** In the request directory: the answer (created empty here, written by the agent). */
    static final String RESULT = "result";
    /** The answer's status words. */
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String START_FAILED = "start-failed";

    private static final String USAGE = "usage: java -jar jftrace-agent.jar PID [install | patch TARGET REPLACEMENT "
            + "[JAR] | unpatch TARGET | patches]";
    private static final String NAME_FORM = "binary.class.Name.method[(params)]";
    /** HotSpot's attach protocol (JDK 17) takes arguments of at most 1,024 bytes with the final NUL. */
    private static final int ARG_MAX = 1000;
    private static final FileAttribute<?> OWNER_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> OWNER_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private Attach() {
    }

    /** A failure to report: the message for standard error and the exit code. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exit;

        Failure(int exit, String message) {
            super(message, null, false, false);
            this.exit = exit;
        }
    }

    public static void main(String[] args) {
        int exit = 0;
        try {
            System.out.println(run(args));
        } catch (Failure f) {
            System.err.println(f.getMessage());
            exit = f.exit;
        }
        System.exit(exit);
    }

    private static String run(String[] args) throws Failure {
        long pid = args.length < 1 ? -1 : parsePid(args[0]);
        if (pid <= 0) {
            throw new Failure(1, USAGE);
        }
        String[] command = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"install"};
        checkCommand(command);
        Path agent;
        try {
            agent = JftraceAgent.agentJar();
        } catch (IllegalStateException e) {
            throw new Failure(1, e.getMessage());
        }
        Target target = Target.check(pid);
        Request request = Request.create(target);
        try {
            request.write(command);
            return load(pid, agent, request);
        } finally {
            request.delete();
        }
    }

    private static long parsePid(String s) {
        if (!s.matches("\\d{1,18}")) {
            return -1;
        }
        return Long.parseLong(s);
    }

    /** Checks the command's words here, before any attach; a jar becomes its absolute path. */
    private static void checkCommand(String[] w) throws Failure {
        switch (w[0]) {
            case "install":
            case "patches":
                if (w.length != 1) {
                    throw new Failure(1, USAGE);
                }
                return;
            case "unpatch":
                if (w.length != 2) {
                    throw new Failure(1, "usage: java -jar jftrace-agent.jar PID unpatch TARGET");
                }
                methodClass("unpatch", "TARGET", w[1]);
                return;
            case "patch":
                if (w.length < 3 || w.length > 4) {
                    throw new Failure(1, "usage: java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]");
                }
                methodClass("patch", "TARGET", w[1]);
                String cls = methodClass("patch", "REPLACEMENT", w[2]);
                if (w.length == 4) {
                    w[3] = checkJar(w[3], cls);
                }
                return;
            default:
                throw new Failure(1, "unknown command '" + w[0] + "'; " + USAGE);
        }
    }

    /** {@return the class part of method name {@code name}}, checked as the target will parse it. */
    private static String methodClass(String command, String what, String name) throws Failure {
        String n = name.trim();
        if (n.isEmpty()) {
            throw new Failure(1, command + ": " + what + " is empty; give it as " + NAME_FORM);
        }
        int paren = n.indexOf('(');
        String fname = paren < 0 ? n : n.substring(0, paren);
        int dot = fname.lastIndexOf('.');
        if (dot <= 0 || dot == fname.length() - 1 || (paren >= 0 && !n.endsWith(")"))) {
            throw new Failure(1, command + ": " + what + " \"" + name + "\" is not " + NAME_FORM);
        }
        return fname.substring(0, dot);
    }

    /** {@return the absolute path of the replacement's jar}, checked to hold class {@code cls}. */
    private static String checkJar(String arg, String cls) throws Failure {
        if (arg.isEmpty()) {
            throw new Failure(1, "patch: JAR is empty; give the jar that holds " + cls + ", or leave JAR out if the "
                    + "JVM has the class already");
        }
        Path jar = Path.of(arg).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new Failure(1, "patch: JAR " + jar + (Files.exists(jar) ? " is not a file" : " does not exist"));
        }
        String entry = cls.replace('.', '/') + ".class";
        try (JarFile f = new JarFile(jar.toFile())) {
            if (f.getJarEntry(entry) == null) {
                throw new Failure(1, "patch: JAR " + jar + " has no " + entry + " (the replacement's class " + cls + ")");
            }
        } catch (IOException e) {
            throw new Failure(1, "patch: JAR " + jar + " cannot be read as a jar: " + e.getMessage());
        }
        return jar.toString();
    }

    private static String load(long pid, Path agent, Request request) throws Failure {
        String option = request.targetDir;
        int argBytes = (agent + "=" + option).getBytes(StandardCharsets.UTF_8).length;
        if (argBytes > ARG_MAX) {
            throw new Failure(2, "cannot attach to JVM " + pid + ": the agent jar's path and the request directory's "
                    + "path (" + argBytes + " bytes) are too long for the JVM's attach protocol; use a shorter "
                    + "java.io.tmpdir or agent jar path");
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgent(agent.toString(), option);
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new Failure(2, "cannot attach to JVM " + pid + ": " + (Target.alive(pid)
                    ? e.getMessage() + " (is it a JVM run by the same user, with attach enabled?)"
                    : "no such process; check the pid with 'jps'"));
        } catch (AgentLoadException e) {
            throw new Failure(3, "jftrace could not be loaded into JVM " + pid + ": " + e.getMessage());
        } catch (AgentInitializationException e) {
            // agentmain threw: jftrace's own never does, so this is the JVM's or an older agent's doing
            throw new Failure(3, "jftrace failed to start in JVM " + pid + ": " + e.getMessage()
                    + " (see the JVM's standard error)");
        } catch (IOException e) {
            throw new Failure(2, "cannot talk to JVM " + pid + ": " + (Target.alive(pid) ? e.getMessage()
                    : "no such process"));
        }
        return request.answer(pid);
    }

    /**
     * What /proc tells of the target before any attach (Linux; elsewhere nothing is checked here):
     * whether it exists, runs as this user, is a JVM, and can start its attach listener. A process
     * that is not a JVM would otherwise take the attach API over 10 s to give up on.
     */
    private static final class Target {
        final long pid;
        /** The target's root directory seen from here, if it is not this process's (a container). */
        final Path foreignRoot;
        /** The target's uid, if this process (root) must give it the request files. */
        final Integer chownTo;

        private Target(long pid, Path foreignRoot, Integer chownTo) {
            this.pid = pid;
            this.foreignRoot = foreignRoot;
            this.chownTo = chownTo;
        }

        static boolean alive(long pid) {
            return ProcessHandle.of(pid).isPresent();
        }

        static Target check(long pid) throws Failure {
            Path self = Path.of("/proc/self");
            if (!Files.isDirectory(self)) {
                return new Target(pid, null, null);
            }
            Path proc = Path.of("/proc", Long.toString(pid));
            List<String> status = lines(proc.resolve("status"));
            if (status == null) {
                throw new Failure(2, "cannot attach to " + pid + ": no such process; check the pid with 'jps'");
            }
            String name = field(status, "Name:", "?");
            String what = pid + " (" + name + ")";
            if (field(status, "State:", "").startsWith("Z")) {
                throw new Failure(2, "cannot attach to " + what + ": no such process (it has exited); check the pid "
                        + "with 'jps'");
            }
            Integer uid = uid(status);
            Integer me = uid(lines(self.resolve("status")));
            if (uid != null && me != null && !uid.equals(me) && me != 0) {
                throw new Failure(2, "cannot attach to " + what + ": it runs as uid " + uid + " and this command as uid "
                        + me + "; a JVM takes attach requests from its own user only");
            }
            String nspid = field(status, "NSpid:", Long.toString(pid)).replaceAll(".*\\s", "");
            Boolean jvm = mapsShowJvm(proc);
            if (jvm == null) {
                jvm = hasHsperfdata(proc.resolve("root/tmp"), nspid) ? Boolean.TRUE : null;
            }
            if (Boolean.FALSE.equals(jvm)) {
                throw new Failure(2, "cannot attach to " + what + ": it is not a JVM (no libjvm and no hsperfdata "
                        + "file in its memory map); check the pid with 'jps'");
            }
            boolean listening = Files.exists(proc.resolve("root/tmp/.java_pid" + nspid));
            String sigCgt = field(status, "SigCgt:", "");
            if (Boolean.TRUE.equals(jvm) && !listening && !sigCgt.isEmpty()
                    && (Long.parseUnsignedLong(sigCgt, 16) & (1L << 2)) == 0) {
                throw new Failure(2, "cannot attach to JVM " + what + ": it does not handle SIGQUIT, which starts its "
                        + "attach listener (started with -Xrs? -XX:+StartAttachListener makes it attachable)");
            }
            Path root = null;
            try {
                if (!Files.isSameFile(self.resolve("root"), proc.resolve("root"))) {
                    root = proc.resolve("root");
                }
            } catch (IOException | SecurityException e) {
                // cannot tell: take it as ours
            }
            return new Target(pid, root, me != null && me == 0 && uid != null && uid != 0 ? uid : null);
        }

        /** {@return whether the memory map shows a JVM, or null if it cannot be read} */
        private static Boolean mapsShowJvm(Path proc) {
            try (Stream<String> maps = Files.lines(proc.resolve("maps"), StandardCharsets.ISO_8859_1)) {
                return maps.anyMatch(l -> l.endsWith("/libjvm.so") || l.contains("/libj9vm")
                        || l.contains("/hsperfdata_"));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private static boolean hasHsperfdata(Path tmp, String nspid) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
                for (Path d : dirs) {
                    if (Files.exists(d.resolve(nspid))) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // cannot tell
            }
            return false;
        }

        private static List<String> lines(Path p) {
            try {
                return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return null;
            }
        }

        private static String field(List<String> status, String key, String otherwise) {
            for (String l : status) {
                if (l.startsWith(key)) {
                    return l.substring(key.length()).trim();
                }
            }
            return otherwise;
        }

        /** {@return the effective uid in a /proc status file} (Uid: real, effective, saved, fs), or null */
        private static Integer uid(List<String> status) {
            try {
                return Integer.valueOf(field(status, "Uid:", "").split("\\s+")[1]);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** The request directory of one attach: made here for this user only, deleted afterwards. */
    private static final class Request {
        final Path dir;
        /** {@link #dir} as the target sees it. */
        final String targetDir;
        final String token;
        final Target target;

        private Request(Path dir, String targetDir, String token, Target target) {
            this.dir = dir;
            this.targetDir = targetDir;
            this.token = token;
            this.target = target;
        }

        static Request create(Target target) throws Failure {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            String prefix = "";
            if (target.foreignRoot != null) {
                base = target.foreignRoot.resolve("tmp");
                prefix = "/tmp/";
            }
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            try {
                Path dir = posix ? Files.createTempDirectory(base, "jftrace-attach-", OWNER_DIR)
                        : Files.createTempDirectory(base, "jftrace-attach-");
                String targetDir = target.foreignRoot == null ? dir.toAbsolutePath().toString()
                        : prefix + dir.getFileName();
                return new Request(dir, targetDir, token, target);
            } catch (IOException | RuntimeException e) {
                throw new Failure(2, "cannot make the request directory for JVM " + target.pid + " under " + base
                        + ": " + e);
            }
        }

        void write(String[] command) throws Failure {
            List<String> words = new ArrayList<>();
            words.add(MAGIC);
            words.add(token);
            words.addAll(Arrays.asList(command));
            byte[] bytes = String.join("\0", words).getBytes(StandardCharsets.UTF_8);
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            try {
                Path request = posix ? Files.createFile(dir.resolve(REQUEST), OWNER_FILE)
                        : Files.createFile(dir.resolve(REQUEST));
                Files.write(request, bytes);
                Path result = posix ? Files.createFile(dir.resolve(RESULT), OWNER_FILE)
                        : Files.createFile(dir.resolve(RESULT));
                if (target.chownTo != null) {
                    for (Path p : List.of(dir, request, result)) {
                        Files.setAttribute(p, "unix:uid", target.chownTo, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new Failure(2, "cannot write the request for JVM " + target.pid + " in " + dir + ": " + e);
            }
        }

        /** {@return the output line for the agent's answer} or throws the failure it reports */
        String answer(long pid) throws Failure {
            String[] a = read(pid);
            if (a == null) {
                throw new Failure(3, "jftrace in JVM " + pid + " gave no answer: either it could not read the request "
                        + "in " + targetDir + " (see the JVM's standard error), or the jftrace already loaded there is "
                        + "another version than " + JftraceAgent.agentJar());
            }
            switch (a[0]) {
                case OK:
                    return "jftrace in JVM " + pid + ": " + a[1];
                case START_FAILED:
                    throw new Failure(3, "jftrace failed to start in JVM " + pid + ": " + a[1]);
                default:
                    throw new Failure(3, "jftrace in JVM " + pid + ": " + a[1]);
            }
        }

        /** {@return status and message of the answer, or null if there is none} */
        private String[] read(long pid) throws Failure {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(dir.resolve(RESULT));
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new Failure(3, "cannot read the answer of jftrace in JVM " + pid + ": " + e);
            }
            if (bytes.length == 0) {
                return null;
            }
            String[] a = new String(bytes, StandardCharsets.UTF_8).split("\0", 3);
            if (a.length != 3 || !a[0].equals(token)) {
                throw new Failure(3, "jftrace in JVM " + pid + " gave an answer that is not for this request; "
                        + "its outcome is unknown");
            }
            return new String[] {a[1], a[2]};
        }

        void delete() {
            for (Path p : List.of(dir.resolve(REQUEST), dir.resolve(RESULT), dir)) {
                try {
                    Files.deleteIfExists(p);
                } catch (AccessDeniedException e) {
                    // not ours to delete (cannot happen in a directory we made)
                } catch (IOException e) {
                    // best effort: a directory of this user only, under the temporary directory
                }
            }
        }
    }
}
