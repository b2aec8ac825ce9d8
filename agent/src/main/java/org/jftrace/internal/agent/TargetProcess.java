package org.jftrace.internal.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What /proc tells of the target before any attach (Linux; elsewhere nothing is checked here):
 * whether it exists, runs as this user, is a JVM, and can start its attach listener. A process
 * that is not a JVM would otherwise take the attach API over 10 s to give up on.
 */
final class TargetProcess {
    final long pid;
    /** The target's root directory seen from here, if it is not this process's (a container). */
    final Path foreignRoot;
    /** The target's uid, if this process (root) must give it the request files. */
    final Integer chownTo;
    /** Where a started jftrace in the target listens ({@link AttachProtocol#DOORBELL_PREFIX}), or null (not Linux). */
    final Path doorbell;

    private TargetProcess(long pid, Path foreignRoot, Integer chownTo, Path doorbell) {
        this.pid = pid;
        this.foreignRoot = foreignRoot;
        this.chownTo = chownTo;
        this.doorbell = doorbell;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).isPresent();
    }

    static TargetProcess check(long pid) throws AttachFailure {
        Path self = Path.of("/proc/self");
        if (!Files.isDirectory(self)) {
            return new TargetProcess(pid, null, null, null);
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        List<String> status = lines(proc.resolve("status"));
        if (status == null) {
            throw new AttachFailure(AttachProtocol.EXIT_NO_JVM, "cannot attach to " + pid + ": no such process; check the pid with 'jps'");
        }
        String name = field(status, "Name:", "?");
        String what = pid + " (" + name + ")";
        if (field(status, "State:", "").startsWith("Z")) {
            throw new AttachFailure(AttachProtocol.EXIT_NO_JVM, "cannot attach to " + what + ": no such process (it has exited); check the pid "
                    + "with 'jps'");
        }
        Integer uid = uid(status);
        Integer me = uid(lines(self.resolve("status")));
        if (uid != null && me != null && !uid.equals(me) && me != 0) {
            throw new AttachFailure(AttachProtocol.EXIT_NO_JVM, "cannot attach to " + what + ": it runs as uid " + uid + " and this command as uid "
                    + me + "; a JVM takes attach requests from its own user only");
        }
        String nspid = field(status, "NSpid:", Long.toString(pid)).replaceAll(".*\\s", "");
        Boolean jvm = mapsShowJvm(proc);
        if (jvm == null) {
            jvm = hasHsperfdata(proc.resolve("root/tmp"), nspid) ? Boolean.TRUE : null;
        }
        if (Boolean.FALSE.equals(jvm)) {
            throw new AttachFailure(AttachProtocol.EXIT_NO_JVM, "cannot attach to " + what + ": it is not a JVM (no libjvm and no hsperfdata "
                    + "file in its memory map); check the pid with 'jps'");
        }
        boolean listening = Files.exists(proc.resolve("root/tmp/.java_pid" + nspid));
        String sigCgt = field(status, "SigCgt:", "");
        if (Boolean.TRUE.equals(jvm) && !listening && !sigCgt.isEmpty()
                && (Long.parseUnsignedLong(sigCgt, 16) & (1L << 2)) == 0) {
            throw new AttachFailure(AttachProtocol.EXIT_NO_JVM, "cannot attach to JVM " + what + ": it does not handle SIGQUIT, which starts its "
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
        // the target's /tmp seen from here, as the attach API finds the JVM's own socket
        Path doorbell = proc.resolve("root" + AttachProtocol.DOORBELL_PREFIX + nspid);
        return new TargetProcess(pid, root, me != null && me == 0 && uid != null && uid != 0 ? uid : null, doorbell);
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
