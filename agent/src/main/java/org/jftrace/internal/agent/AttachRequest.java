package org.jftrace.internal.agent;

import static org.jftrace.internal.agent.AttachProtocol.EXIT_FAILED;
import static org.jftrace.internal.agent.AttachProtocol.EXIT_NO_JVM;
import static org.jftrace.internal.agent.AttachProtocol.MAGIC;
import static org.jftrace.internal.agent.AttachProtocol.OK;
import static org.jftrace.internal.agent.AttachProtocol.REQUEST;
import static org.jftrace.internal.agent.AttachProtocol.RESULT;
import static org.jftrace.internal.agent.AttachProtocol.START_FAILED;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
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

/**
 * The request directory of one attach ({@link AttachProtocol}): made by the attaching side for its
 * user only, deleted afterwards.
 */
final class AttachRequest {
    private static final FileAttribute<?> OWNER_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> OWNER_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    final Path dir;
    /** {@link #dir} as the target sees it. */
    final String targetDir;
    final String token;
    final TargetProcess target;

    private AttachRequest(Path dir, String targetDir, String token, TargetProcess target) {
        this.dir = dir;
        this.targetDir = targetDir;
        this.token = token;
        this.target = target;
    }

    static AttachRequest create(TargetProcess target) throws AttachFailure {
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
            return new AttachRequest(dir, targetDir, token, target);
        } catch (IOException | RuntimeException e) {
            throw new AttachFailure(EXIT_NO_JVM, "cannot make the request directory for JVM " + target.pid + " under " + base
                    + ": " + e);
        }
    }

    void write(String[] command) throws AttachFailure {
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
            throw new AttachFailure(EXIT_NO_JVM, "cannot write the request for JVM " + target.pid + " in " + dir + ": " + e);
        }
    }

    /**
     * {@return the message of the agent's {@code ok} answer} or throws the failure it reports.
     *
     * @param agentJar the jar loaded into the target, named when no answer came
     */
    String answer(long pid, Path agentJar) throws AttachFailure {
        String[] a = read(pid);
        if (a == null) {
            throw new AttachFailure(EXIT_FAILED, "jftrace in JVM " + pid + " gave no answer: either it could not read "
                    + "the request in " + targetDir + " (see the JVM's standard error), or the jftrace already loaded "
                    + "there is another version than " + agentJar);
        }
        switch (a[0]) {
            case OK:
                return a[1];
            case START_FAILED:
                throw new AttachFailure(EXIT_FAILED, "jftrace failed to start in JVM " + pid + ": " + a[1]);
            default:
                throw new AttachFailure(EXIT_FAILED, "jftrace in JVM " + pid + ": " + a[1]);
        }
    }

    /** {@return status and message of the answer, or null if there is none} */
    private String[] read(long pid) throws AttachFailure {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(RESULT));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new AttachFailure(EXIT_FAILED, "cannot read the answer of jftrace in JVM " + pid + ": " + e);
        }
        if (bytes.length == 0) {
            return null;
        }
        String[] a = new String(bytes, StandardCharsets.UTF_8).split("\0", 3);
        if (a.length != 3 || !a[0].equals(token)) {
            throw new AttachFailure(EXIT_FAILED, "jftrace in JVM " + pid + " gave an answer that is not for this request; "
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
