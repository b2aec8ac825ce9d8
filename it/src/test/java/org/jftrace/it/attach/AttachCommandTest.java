package org.jftrace.it.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jftrace.it.attach.AttachSupport.attach;
import static org.jftrace.it.attach.AttachSupport.attachable;
import static org.jftrace.it.attach.AttachSupport.raw;
import static org.jftrace.it.attach.AttachSupport.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.jftrace.it.ForkedJvm;
import org.jftrace.it.attach.AttachSupport.Cmd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar jftrace-agent.jar PID ...} run as a separate process against a real second JVM
 * ({@link AttachTarget}): exit code and exact text for bad input, for a process that is not a
 * JVM, for an agent that fails to start; a long argument; a second version of a replacement class;
 * an answer that the target's own code cannot forge; no noise from the command; no boot jar left
 * per process when targets are killed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AttachCommandTest {
    private static final String CDS_WARNING = AttachSupport.CDS_WARNING;
    private static final String GREET = AttachTarget.class.getName() + ".greet()";
    private static final String NAME_FORM = "binary.class.Name.method[(params)]";
    /** The boot bridge by its jar under java.io.tmpdir: the route a start can fail on (a tmpdir that is a file). */
    private static final String JAR_ROUTE = "-Djftrace.bootBridge=jar";

    @TempDir
    Path tmp;

    @Test
    void aReplacementNameWithoutADotIsAUsageError() throws Exception {
        Path jar = replacementJar(tmp.resolve("v1"), "Greeter", "greet", "v1");
        try (ForkedJvm t = target(attachable())) {
            Cmd r = attach(t.pid(), "patch", GREET, "nodot", jar.toString());
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: REPLACEMENT \"nodot\" is not " + NAME_FORM, r.output.trim());

            r = attach(t.pid(), "patch", "nodot", "fix.Greeter.greet()", jar.toString());
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: TARGET \"nodot\" is not " + NAME_FORM, r.output.trim());

            r = attach(t.pid(), "patch", GREET, "fix.Greeter.", jar.toString());
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: REPLACEMENT \"fix.Greeter.\" is not " + NAME_FORM, r.output.trim());

            int mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello "), 30);
        }
    }

    @Test
    void emptyArgumentsAreNamedNotBlamedOnTheJar() throws Exception {
        Path jar = replacementJar(tmp.resolve("v1"), "Greeter", "greet", "v1");
        try (ForkedJvm t = target(attachable())) {
            Cmd r = attach(t.pid(), "patch", "", "", "");
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: TARGET is empty; give it as " + NAME_FORM, r.output.trim());

            r = attach(t.pid(), "patch", GREET, "", "");
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: REPLACEMENT is empty; give it as " + NAME_FORM, r.output.trim());

            r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", "");
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: JAR is empty; give the jar that holds fix.Greeter, or leave JAR out if the JVM has "
                    + "the class already", r.output.trim());

            Path missing = tmp.resolve("missing.jar");
            r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", missing.toString());
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: JAR " + missing.toAbsolutePath() + " does not exist", r.output.trim());

            r = attach(t.pid(), "patch", GREET, "fix.Other.greet()", jar.toString());
            assertEquals(1, r.exit, r.output);
            assertEquals("patch: JAR " + jar.toAbsolutePath() + " has no fix/Other.class (the replacement's class "
                    + "fix.Other)", r.output.trim());

            r = attach(t.pid(), "unpatch", "");
            assertEquals(1, r.exit, r.output);
            assertEquals("unpatch: TARGET is empty; give it as " + NAME_FORM, r.output.trim());
        }
    }

    /** JDK 17's attach protocol takes agent arguments of about 1,000 characters: this one has 5,000. */
    @Test
    void aLongArgumentReachesTheTargetAndWorks() throws Exception {
        String method = "m" + "x".repeat(5000);
        Path jar = replacementJar(tmp.resolve("long"), "LongName", method, "long");
        String replacement = "fix.LongName." + method + "()";
        try (ForkedJvm t = target(attachable())) {
            int mark = t.mark();
            Cmd r = attach(t.pid(), "patch", GREET, replacement, jar.toString());
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": patched " + GREET + " -> " + replacement, r.output.trim());
            t.awaitLine(mark, l -> l.startsWith("g=long "), 30);

            String unknown = AttachTarget.class.getName() + ".y" + "y".repeat(5000) + "()";
            r = attach(t.pid(), "unpatch", unknown);
            assertEquals(3, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": ENOENT: no loaded class has a method " + unknown,
                    r.output.trim());
        }
    }

    /**
     * A class loader loads a class once: a new jar with another version of a replacement class that
     * is already loaded would silently keep the old code. It is refused, naming both jars; the same
     * version again is fine.
     */
    @Test
    void aSecondVersionOfAReplacementClassIsRefused() throws Exception {
        Path v1 = replacementJar(tmp.resolve("v1"), "Greeter", "greet", "v1").toRealPath();
        Path v2 = replacementJar(tmp.resolve("v2"), "Greeter", "greet", "v2").toRealPath();
        try (ForkedJvm t = target(attachable())) {
            int mark = t.mark();
            Cmd r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", v1.toString());
            assertEquals(0, r.exit, r.output);
            t.awaitLine(mark, l -> l.startsWith("g=v1 "), 30);

            r = attach(t.pid(), "unpatch", GREET);
            assertEquals(0, r.exit, r.output);
            mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello "), 30);

            r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", v2.toString());
            assertEquals(3, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": replacement class fix.Greeter is already loaded in this JVM "
                    + "(from " + v1 + ") and " + v2 + " holds another version of it; a class loader loads a class "
                    + "once, so the new code would never run: refused. Give the new version a class name of its own "
                    + "(e.g. fix.Greeter2)", r.output.trim());
            mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello "), 30);
            Cmd list = attach(t.pid(), "patches");
            assertEquals("jftrace in JVM " + t.pid() + ": []", list.output.trim());

            // the version that is loaded can patch again
            mark = t.mark();
            r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", v1.toString());
            assertEquals(0, r.exit, r.output);
            t.awaitLine(mark, l -> l.startsWith("g=v1 "), 30);
        }
    }

    /** Before: 11 s (the attach API's own time-out) and a message about a socket file. */
    @Test
    void aProcessThatIsNotAJvmFailsFastWithTheReason() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Cmd r = attach(sleep.pid());
            assertEquals(2, r.exit, r.output);
            assertEquals("cannot attach to " + sleep.pid() + " (sleep): it is not a JVM (no libjvm and no hsperfdata "
                    + "file in its memory map); check the pid with 'jps'", r.output.trim());
            assertTrue(r.millis < 5000, "took " + r.millis + " ms");
            assertTrue(sleep.isAlive(), "the process is left alone");
        } finally {
            sleep.destroyForcibly();
        }
    }

    /**
     * The target cannot write the boot bridge jar (its java.io.tmpdir is a file): the command says
     * jftrace failed to start, why, and exits 3 (it said "ok: installed" and exit 0). In the target,
     * one warning line per attempt, no stack trace.
     */
    @Test
    void aFailedStartIsReportedAndExitsNonZero() throws Exception {
        Path notADirectory = tmp.resolve("not-a-directory");
        Files.writeString(notADirectory, "");
        try (ForkedJvm t = target(attachable("-Djava.io.tmpdir=" + notADirectory, JAR_ROUTE))) {
            String why = "jftrace failed to start in JVM " + t.pid() + ": cannot write the boot bridge jar under "
                    + "java.io.tmpdir (" + notADirectory + "): ";
            Cmd r = attach(t.pid());
            assertEquals(3, r.exit, r.output);
            assertTrue(r.output.startsWith(why) && r.output.trim().endsWith("Not a directory"), r.output);
            assertEquals(1, r.output.trim().lines().count(), r.output);

            r = attach(t.pid(), "patches");
            assertEquals(3, r.exit, r.output);
            assertTrue(r.output.startsWith(why), r.output);

            int mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello"), 30);
            List<String> jftrace = t.lines().stream().filter(l -> l.contains("[jftrace]")).collect(Collectors.toList());
            assertEquals(2, jftrace.size(), t.output());
            for (String l : jftrace) {
                assertTrue(l.startsWith("[jftrace] agent failed to start: java.io.IOException: cannot write the boot "
                        + "bridge jar"), t.output());
            }
            assertFalse(t.output().contains("\tat ") || t.output().contains("Exception in thread"), t.output());
        }
    }

    /** Before, a start that failed set no answer, and what the target's code had put in the property was taken. */
    @Test
    void aForgedAnswerDoesNotHideAFailedStart() throws Exception {
        Path notADirectory = tmp.resolve("not-a-directory");
        Files.writeString(notADirectory, "");
        try (ForkedJvm t = target(attachable("-Djava.io.tmpdir=" + notADirectory, JAR_ROUTE), "forge=ok: installed (forged)")) {
            Cmd r = attach(t.pid());
            assertEquals(3, r.exit, r.output);
            assertTrue(r.output.startsWith("jftrace failed to start in JVM " + t.pid() + ": "), r.output);
        }
    }

    /**
     * The answer travelled in the target's system property jftrace.attach.result: code there could
     * read it and forge it, and it was never cleared. Now the target's property neither decides the
     * outcome nor changes.
     */
    @Test
    void theAnswerIsNotASystemPropertyThatTheTargetCanForge() throws Exception {
        Path v1 = replacementJar(tmp.resolve("v1"), "Greeter", "greet", "v1");
        String forged = "error: forged by the target";
        try (ForkedJvm t = target(attachable(), "forge=" + forged)) {
            Cmd r = attach(t.pid());
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": installed", r.output.trim());

            int mark = t.mark();
            r = attach(t.pid(), "patch", GREET, "fix.Greeter.greet()", v1.toString());
            assertEquals(0, r.exit, r.output);
            t.awaitLine(mark, "g=v1 p=error: forged by the target"::equals, 30);

            r = attach(t.pid(), "unpatch", GREET);
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": unpatched " + GREET, r.output.trim());
            for (String l : t.lines()) {
                if (l.startsWith("g=")) {
                    assertTrue(l.endsWith(" p=" + forged), "the target's property changed: " + l);
                }
            }
        }
    }

    /** The command prints its answer and nothing else: no JDK 17 CDS warning from the helper JVM. */
    @Test
    void theCommandPrintsOnlyItsAnswer() throws Exception {
        try (ForkedJvm t = target(attachable())) {
            Cmd r = raw(List.of(), t.pid());
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": installed" + System.lineSeparator(), r.output);
            r = raw(List.of(), t.pid(), "patches");
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": []" + System.lineSeparator(), r.output);
            assertFalse(r.output.contains(CDS_WARNING), r.output);
        }
    }

    /**
     * In the target, jftrace prints nothing when all goes well, and makes the JVM print nothing
     * either: the boot bridge is defined in the boot loader, not appended to the boot class path
     * (which made JDK 17 and 25 print the CDS line "Sharing is only supported for boot loader
     * classes ..." into the target's output).
     */
    @Test
    void theTargetShowsOnlyWhatTheJvmPrintsByItself() throws Exception {
        Path v1 = replacementJar(tmp.resolve("v1"), "Greeter", "greet", "v1");
        try (ForkedJvm t = target(attachable())) {
            for (String[] c : List.of(new String[] {"install"}, new String[] {"patches"},
                    new String[] {"patch", GREET, "fix.Greeter.greet()", v1.toString()}, new String[] {"unpatch", GREET})) {
                Cmd r = attach(t.pid(), c);
                assertEquals(0, r.exit, r.output);
            }
            int mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello"), 30);
            for (String l : t.lines()) {
                assertTrue(l.startsWith("g=") || l.equals("ready"), "target printed: " + l);
            }
        }
    }

    /** By default a start writes no file in the target: the boot bridge goes into the boot loader from memory. */
    @Test
    void theTargetsTemporaryDirectoryStaysEmpty() throws Exception {
        Path targetTmp = Files.createDirectories(tmp.resolve("target-tmp"));
        try (ForkedJvm t = target(attachable("-Djava.io.tmpdir=" + targetTmp))) {
            Cmd r = attach(t.pid(), "patches");
            assertEquals(0, r.exit, r.output);
            assertFalse(t.output().contains(CDS_WARNING), t.output());
        }
        try (Stream<Path> s = Files.list(targetTmp)) {
            assertEquals(List.of(), s.collect(Collectors.toList()));
        }
    }

    /**
     * The fallback route ({@code -Djftrace.bootBridge=jar}, or a JVM without the method that defines
     * the bridge in memory): each start wrote a jftrace-boot*.jar into java.io.tmpdir, deleted on exit
     * only, so a killed JVM left it there. Now one jar per user and content is written once and reused.
     */
    @Test
    void noBootJarIsLeftPerProcessWhenTargetsAreKilled() throws Exception {
        Path targetTmp = Files.createDirectories(tmp.resolve("target-tmp"));
        Path attachTmp = Files.createDirectories(tmp.resolve("attach-tmp"));
        for (int i = 0; i < 2; i++) {
            try (ForkedJvm t = target(attachable("-Djava.io.tmpdir=" + targetTmp, "-Djftrace.bootBridge=jar"))) {
                Cmd r = attach(List.of("-Djava.io.tmpdir=" + attachTmp), t.pid());
                assertEquals(0, r.exit, r.output);
            } // SIGKILL
        }
        List<Path> boot;
        try (Stream<Path> s = Files.walk(targetTmp)) {
            boot = s.filter(p -> p.getFileName().toString().startsWith("jftrace-boot")).collect(Collectors.toList());
        }
        assertEquals(1, boot.size(), "boot jars: " + boot);
        Path jar = boot.get(0);
        assertTrue(jar.getFileName().toString().matches("jftrace-boot-[0-9a-f]{24}\\.jar"), jar.toString());
        Path dir = jar.getParent();
        assertEquals(targetTmp, dir.getParent(), jar.toString());
        assertEquals("jftrace-" + System.getProperty("user.name"), dir.getFileName().toString());
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(jar, LinkOption.NOFOLLOW_LINKS)));
        }
        // the command's request directory is deleted; what stays is its user's attach lock per pid
        // (AttachClient.attachLock), in a directory of that user alone
        try (Stream<Path> s = Files.walk(attachTmp)) {
            List<String> left = s.filter(p -> !p.equals(attachTmp)).map(p -> attachTmp.relativize(p).toString())
                    .sorted().collect(Collectors.toList());
            String user = "jftrace-" + System.getProperty("user.name");
            assertEquals(2, left.size(), left.toString());
            assertEquals(user, left.get(0));
            assertTrue(left.get(1).matches(java.util.regex.Pattern.quote(user) + "/attach-\\d+\\.lock"), left.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(attachTmp.resolve(user),
                    LinkOption.NOFOLLOW_LINKS)));
        }
    }

    /** {@return a jar with class {@code fix.NAME} whose static method {@code method()} returns {@code value}} */
    private static Path replacementJar(Path dir, String name, String method, String value) throws IOException {
        Path src = dir.resolve("src/fix/" + name + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package fix;\n"
                + "public final class " + name + " {\n"
                + "    public static String " + method + "() { return \"" + value + "\"; }\n"
                + "}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(), src.toString()));
        Path jar = dir.resolve("fix.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("fix/" + name + ".class"));
            out.write(Files.readAllBytes(classes.resolve("fix/" + name + ".class")));
            out.closeEntry();
        }
        return jar;
    }

}
