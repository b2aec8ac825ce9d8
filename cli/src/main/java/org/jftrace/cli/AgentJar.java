package org.jftrace.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Finds the agent jar that the command loads into a target: {@code --agent-jar PATH}, else the
 * environment variable {@code JFTRACE_AGENT_JAR}, else the copy embedded in jftrace.jar, written
 * once per user and content as {@code java.io.tmpdir/jftrace-USER/jftrace-agent-HASH.jar} (the
 * directory where the agent writes its boot bridge jar, this user's alone) and reused: a target
 * loads one path once, so one build always gives it the same path, and nothing is left per run.
 */
final class AgentJar {
    static final String ENV = "JFTRACE_AGENT_JAR";
    static final String EMBEDDED = "META-INF/jftrace/jftrace-agent.jar";

    private AgentJar() {
    }

    /** {@return the agent jar to load}, from {@code option} (may be null), the environment or the embedded copy. */
    static Path find(Path option) throws CliFailure {
        if (option != null) {
            return checked(option, "--agent-jar");
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isEmpty()) {
            return checked(Path.of(env), ENV);
        }
        return extracted();
    }

    /** {@return {@code jar} as an absolute path}, checked to be an agent jar */
    static Path checked(Path jar, String from) throws CliFailure {
        Path p = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new CliFailure(Jftrace.EXIT_USAGE, from + ": " + p + (Files.exists(p) ? " is not a file"
                    : " does not exist") + "; give the path of jftrace-agent.jar (agent/target/jftrace-agent.jar in "
                    + "a build)");
        }
        try (JarFile f = new JarFile(p.toFile())) {
            if (f.getManifest() == null || f.getManifest().getMainAttributes().getValue("Agent-Class") == null) {
                throw new CliFailure(Jftrace.EXIT_USAGE, from + ": " + p + " is not a java agent jar (its manifest has "
                        + "no Agent-Class); give the path of jftrace-agent.jar");
            }
        } catch (IOException e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, from + ": " + p + " cannot be read as a jar: " + e.getMessage());
        }
        return p;
    }

    private static Path extracted() throws CliFailure {
        byte[] bytes;
        try (InputStream in = AgentJar.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new CliFailure(Jftrace.EXIT_USAGE, "this jftrace.jar has no embedded agent (" + EMBEDDED + "): "
                        + "rebuild it with 'mvn package', or give --agent-jar PATH or " + ENV);
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "cannot read the embedded agent jar: " + e);
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
            Path dir = userDirectory(tmp);
            Path jar = dir.resolve("jftrace-agent-" + hash + ".jar");
            if (Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS) && Files.size(jar) == bytes.length
                    && Arrays.equals(Files.readAllBytes(jar), bytes)) {
                return jar;
            }
            Path part = Files.createTempFile(dir, "jftrace-agent-", ".part");
            try {
                Files.write(part, bytes);
                // atomic: a command running at the same time sees the whole jar or none
                Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
            return jar;
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "cannot write the agent jar under java.io.tmpdir (" + tmp + "): "
                    + e.getMessage() + "; give --agent-jar PATH or " + ENV);
        }
    }

    /**
     * {@return java.io.tmpdir/jftrace-USER, made if missing}; refused (never trusted) when it is not
     * a directory of this user that no one else may write to: another user could swap the jar.
     */
    private static Path userDirectory(Path tmp) throws IOException {
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = tmp.resolve("jftrace-" + user);
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createDirectories(dir);
        }
        try {
            return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // check it below
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = a.permissions();
        boolean mine = Files.isDirectory(Path.of("/proc/self"))
                ? a.owner().equals(Files.getOwner(Path.of("/proc/self")))
                : a.owner().getName().equals(System.getProperty("user.name"));
        if (!a.isDirectory() || !mine || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " (owner " + a.owner() + ", " + PosixFilePermissions.toString(perms) + ") is "
                    + "not a directory of this user alone");
        }
        return dir;
    }
}
