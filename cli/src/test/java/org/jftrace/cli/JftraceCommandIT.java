package org.jftrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.jftrace.cli.Processes.Run;
import org.jftrace.cli.Processes.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code jftrace} jar, run as a separate process against a real target JVM
 * ({@link LoopTarget}): what it prints, on which stream, with which exit code, and what the
 * target prints meanwhile.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JftraceCommandIT {
    private static final String LOOP = LoopTarget.class.getName();
    private static final String GREET = LOOP + ".greet()";
    /** HotSpot's line when a jar is appended to the boot class path with class data sharing on. */
    private static final String CDS_WARNING = "Sharing is only supported for boot loader classes";

    @TempDir
    Path tmp;

    @Test
    void psListsTheTargetAndWhetherJftraceRunsThereWithoutLoadingIt() throws Exception {
        try (Target t = Target.start()) {
            Run ps = Processes.jftrace("ps");
            assertEquals(0, ps.exit(), ps.toString());
            assertTrue(ps.out().startsWith("PID      JFTRACE MAIN\n"), ps.toString());
            assertEquals(t.pid() + " no " + LOOP, psLine(ps, t));
            assertEquals("", ps.err(), ps.toString());

            Run bare = Processes.jftrace("ps", "--no-header");
            assertFalse(bare.out().contains("JFTRACE"), bare.toString());
            int mark = t.mark();
            t.await(mark, l -> l.startsWith("g="), 30);
            // nothing was loaded: jftrace's start would have appended its boot jar (and HotSpot said so)
            assertTrue(t.lines().stream().allMatch(l -> l.equals("ready") || l.startsWith("g=hello")), t.lines()::toString);

            Run list = Processes.jftrace("list", "-p", t.pid(), GREET);
            assertEquals(0, list.exit(), list.toString());
            ps = Processes.jftrace("ps");
            assertEquals(t.pid() + " yes " + LOOP, psLine(ps, t));
        }
    }

    /** {@return the target's line of {@code ps}, its columns joined by one space} */
    private static String psLine(Run ps, Target t) {
        return ps.out().lines().filter(l -> l.startsWith(t.pid() + " ")).map(l -> l.replaceAll(" +", " "))
                .findFirst().orElse("(no line for " + t.pid() + ")\n" + ps);
    }

    @Test
    void listPrintsTheFunctionsAGlobMatchesAndThousandsWithout() throws Exception {
        try (Target t = Target.start()) {
            Run r = Processes.jftrace("list", "-p", t.pid(), LOOP + ".*");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(List.of(LOOP + ".<init>() [test-classes]", LOOP + ".greet() [test-classes]",
                    LOOP + ".hookGreet() [test-classes]", LOOP + ".lambda$hookGreet$0(java.lang.Object,"
                    + "java.lang.reflect.Method,java.lang.Object[]) [test-classes]",
                    LOOP + ".main(java.lang.String[]) [test-classes]"), r.out().lines().sorted().collect(Collectors.toList()));
            assertEquals("", r.err(), r.toString());

            r = Processes.jftrace("list", "-p", t.pid(), "java.util.HashMap.[gp]?t(java.lang.Object*)");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().lines().collect(Collectors.toList()).containsAll(List.of(
                    "java.util.HashMap.get(java.lang.Object) [java.base]",
                    "java.util.HashMap.put(java.lang.Object,java.lang.Object) [java.base]")), r.toString());
            assertTrue(r.out().lines().allMatch(l -> l.matches("java\\.util\\.HashMap\\.[gp].t\\(java\\.lang\\.Object.*")),
                    r.toString());

            Run all = Processes.jftrace("list", "-p", t.pid());
            assertEquals(0, all.exit(), all.err());
            long lines = all.out().lines().count();
            assertTrue(lines > 2_000, lines + " functions");
            assertTrue(all.out().contains("\njava.lang.String.indexOf(int) [java.base]\n"), "String.indexOf missing");

            r = Processes.jftrace("list", "-p", t.pid(), "no.such.Class.*");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.out(), r.toString());
            assertEquals("jftrace: no function of JVM " + t.pid() + " matches 'no.such.Class.*' (classes load lazily: a "
                    + "class not loaded yet is not listed)\n", r.err());
        }
    }

    /** Found before any attach: the glob error of the filter API (with its column) and exit 1. */
    @Test
    void aBadGlobIsAUsageErrorAndNothingIsAttached() throws Exception {
        try (Target t = Target.start()) {
            Run r = Processes.jftrace("list", "-p", t.pid(), LOOP + ".[gr");
            assertEquals(1, r.exit(), r.toString());
            assertEquals("", r.out());
            assertEquals("jftrace: list: EINVAL: malformed filter \"" + LOOP + ".[gr\" at column " + (LOOP.length() + 2)
                    + ": '[' is never closed; close it with ']' or escape it as '\\['\n", r.err());
            r = Processes.jftrace("list", "-p", t.pid(), "!" + GREET);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("jftrace: list: \"!" + GREET + "\" starts with '!'"), r.toString());
            Run ps = Processes.jftrace("ps");
            assertEquals(t.pid() + " no " + LOOP, psLine(ps, t));
        }
    }

    @Test
    void patchUnpatchAndResetChangeWhatTheTargetPrints() throws Exception {
        Path jar = replacementJar("Greeter", "patched");
        String replacement = "fix.Greeter.greet()";
        try (Target t = Target.start()) {
            int mark = t.mark();
            Run r = Processes.jftrace("patch", "-p", t.pid(), GREET, replacement, jar.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("patched " + GREET + " -> " + replacement + "\n", r.out());
            t.await(mark, "g=patched"::equals, 30);

            r = Processes.jftrace("patches", "-p", t.pid());
            assertEquals(GREET + " -> " + replacement + "\n", r.out(), r.toString());
            r = Processes.jftrace("enabled", "-p", t.pid());
            assertEquals(GREET + " (1) R I D\tdirect-->" + replacement + "\n", r.out(), r.toString());

            r = Processes.jftrace("unpatch", "-p", t.pid(), GREET);
            assertEquals("unpatched " + GREET + "\n", r.out(), r.toString());
            mark = t.mark();
            t.await(mark, "g=hello"::equals, 30);

            r = Processes.jftrace("patch", "-p", t.pid(), GREET, replacement);
            assertEquals(0, r.exit(), r.toString());
            mark = t.mark();
            t.await(mark, "g=patched"::equals, 30);
            r = Processes.jftrace("reset", "-p", t.pid());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("undid 1 patch; no function is hooked: every class runs its original bytecode\n", r.out());
            mark = t.mark();
            t.await(mark, "g=hello"::equals, 30);
            assertEquals("", Processes.jftrace("enabled", "-p", t.pid()).out());
            assertEquals("", Processes.jftrace("patches", "-p", t.pid()).out());

            // failures in the target: exit 3 with the API's reason
            r = Processes.jftrace("unpatch", "-p", t.pid(), LOOP + ".nothing()");
            assertEquals(3, r.exit(), r.toString());
            assertEquals("jftrace: jftrace in JVM " + t.pid() + ": ENOENT: no loaded class has a method " + LOOP
                    + ".nothing()\n", r.err());
            assertOnlyGreetings(t);
        }
    }

    /** Hooks the program registered itself stay: reset says which, with exit 3, and keeps the patches off. */
    @Test
    void resetNamesTheHooksItCannotTakeOff() throws Exception {
        Path jar = replacementJar("Greeter", "patched");
        try (Target t = Target.start(List.of("-javaagent:" + Processes.agentJar()), "hook")) {
            int mark = t.mark();
            Run r = Processes.jftrace("patch", "-p", t.pid(), GREET, "fix.Greeter.greet()", jar.toString());
            assertEquals(0, r.exit(), r.toString());
            t.await(mark, "g=patched"::equals, 30);
            r = Processes.jftrace("reset", "-p", t.pid());
            assertEquals(3, r.exit(), r.toString());
            assertEquals("", r.out());
            assertEquals("jftrace: jftrace in JVM " + t.pid() + ": EBUSY: undid 1 patch; 1 function is still hooked by "
                    + "ops registered in the program itself, which jftrace's API cannot unregister from outside:\n"
                    + GREET + " (1)\n", r.err());
            mark = t.mark();
            t.await(mark, "g=hello"::equals, 30);
            assertEquals(GREET + " (1)\n", Processes.jftrace("enabled", "-p", t.pid()).out());
        }
    }

    /** Read-only commands and reset do not load jftrace where it does not run. */
    @Test
    void readingAndResettingAJvmWithoutJftraceLoadsNothing() throws Exception {
        try (Target t = Target.start()) {
            Run r = Processes.jftrace("enabled", "-p", t.pid());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.out() + r.err());
            r = Processes.jftrace("reset", "-p", t.pid());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("jftrace does not run in JVM " + t.pid() + ": nothing to reset\n", r.out());
            r = Processes.jftrace("unpatch", "-p", t.pid(), GREET);
            assertEquals("no patch on " + GREET + "\n", r.out(), r.toString());
            assertEquals(t.pid() + " no " + LOOP, psLine(Processes.jftrace("ps"), t));
            assertOnlyGreetings(t);
        }
    }

    /**
     * The target prints only its own lines, and what HotSpot prints once when jftrace starts there
     * (the boot class path append, with class data sharing on): no jftrace line, no agent warning.
     */
    private static void assertOnlyGreetings(Target t) {
        List<String> other = t.lines().stream().filter(l -> !l.equals("ready") && !l.startsWith("g="))
                .collect(Collectors.toList());
        assertTrue(other.isEmpty() || other.size() == 1 && other.get(0).contains(CDS_WARNING), other::toString);
    }

    @Test
    void aProcessThatIsNotAJvmFailsFastWithExit2() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            for (String command : List.of("list", "patches", "enabled", "reset")) {
                Run r = Processes.jftrace(command, "-p", Long.toString(sleep.pid()));
                assertEquals(2, r.exit(), r.toString());
                assertEquals("jftrace: cannot attach to " + sleep.pid() + " (sleep): it is not a JVM (no libjvm and no "
                        + "hsperfdata file in its memory map); check the pid with 'jps'\n", r.err());
                assertEquals("", r.out());
                assertTrue(r.millis() < 3000, "took " + r.millis() + " ms");
            }
        } finally {
            sleep.destroyForcibly();
        }
        Run gone = Processes.jftrace("list", "-p", "999999999");
        assertEquals(2, gone.exit(), gone.toString());
        assertEquals("jftrace: cannot attach to 999999999: no such process; check the pid with 'jps'\n", gone.err());
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() throws Exception {
        Run r = Processes.jftrace("list", "--bogus", "-p", "1");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals("jftrace: Unknown option: '--bogus'\nUsage: jftrace list [-hv] [--agent-jar=JAR] -p=PID [GLOB]\n"
                + "Run 'jftrace list --help' for more.\n", r.err());
        r = Processes.jftrace("lst");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Did you mean: jftrace list?"), r.toString());
        r = Processes.jftrace("patch", "-p", "1", GREET, "nodot");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("jftrace: patch: REPLACEMENT \"nodot\" is not binary.class.Name.method[(params)]\n", r.err());
    }

    /** The launcher script finds the jar in the build tree; progress goes to standard error only. */
    @Test
    void theLauncherScriptRunsTheJarAndShowsProgressWhenAsked() throws Exception {
        try (Target t = Target.start()) {
            Run r = Processes.run(List.of("sh", Processes.script().toString(), "list", "-v", "-p", t.pid(), GREET),
                    Map.of("JAVA_HOME", System.getProperty("java.home")));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(GREET + " [test-classes]\n", r.out());
            List<String> progress = r.err().lines().collect(Collectors.toList());
            assertEquals("jftrace: asking JVM " + t.pid() + " whether jftrace runs there ...", progress.get(0), r.toString());
            assertEquals("jftrace: starting jftrace in JVM " + t.pid() + " (its first attach), then listing the "
                    + "functions that match " + GREET + " ...", progress.get(1), r.toString());
            assertTrue(progress.get(2).matches("jftrace: listed 1 function in \\d+\\.\\d s"), r.toString());
            assertEquals(3, progress.size(), r.toString());
        }
    }

    /**
     * The embedded agent is written once per user and content into a directory of that user
     * alone, and reused; the request directories are gone after each command.
     */
    @Test
    void theEmbeddedAgentJarIsWrittenOnceIntoAUserOnlyDirectory() throws Exception {
        Path cliTmp = Files.createDirectories(tmp.resolve("cli-tmp"));
        try (Target t = Target.start()) {
            Run r = Processes.jftrace(List.of("-Djava.io.tmpdir=" + cliTmp), "list", "-p", t.pid(), GREET);
            assertEquals(0, r.exit(), r.toString());
            Path dir = cliTmp.resolve("jftrace-" + System.getProperty("user.name"));
            List<Path> jars;
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> all = s.collect(Collectors.toList());
                jars = all.stream().filter(p -> p.getFileName().toString().endsWith(".jar")).collect(Collectors.toList());
                // besides the jar: the attach lock of the target's pid (AttachClient.attachLock)
                assertEquals(List.of(dir.resolve("attach-" + t.pid() + ".lock")), all.stream()
                        .filter(p -> !jars.contains(p)).collect(Collectors.toList()), all.toString());
            }
            assertEquals(1, jars.size(), jars.toString());
            assertTrue(jars.get(0).getFileName().toString().matches("jftrace-agent-[0-9a-f]{24}\\.jar"), jars.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir,
                    LinkOption.NOFOLLOW_LINKS)));
            FileTime written = Files.getLastModifiedTime(jars.get(0));
            r = Processes.jftrace(List.of("-Djava.io.tmpdir=" + cliTmp), "patches", "-p", t.pid());
            assertEquals(0, r.exit(), r.toString());
            assertEquals(written, Files.getLastModifiedTime(jars.get(0)));
            try (Stream<Path> s = Files.list(cliTmp)) {
                assertEquals(List.of(dir), s.collect(Collectors.toList()), "request directories are deleted");
            }
        }
    }

    /** {@return a jar with class {@code fix.NAME} whose static {@code greet()} returns {@code value}} */
    private Path replacementJar(String name, String value) throws Exception {
        Path src = tmp.resolve("src/fix/" + name + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package fix;\npublic final class " + name + " {\n"
                + "    public static String greet() { return \"" + value + "\"; }\n}\n");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                classes.toString(), src.toString()));
        Path jar = tmp.resolve("fix.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("fix/" + name + ".class"));
            out.write(Files.readAllBytes(classes.resolve("fix/" + name + ".class")));
            out.closeEntry();
        }
        return jar;
    }
}
