package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.commons.lang3.StringUtils;
import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method of a real third-party jar (commons-lang3 from Maven Central) is live-patched in a
 * running JVM by attaching to its pid with the replacement in a jar, then unpatched.
 */
class LivePatchAttachTest {
    private static final String TARGET = "org.apache.commons.lang3.StringUtils.capitalize(java.lang.String)";
    private static final String REPLACEMENT = "fix.Capitalizer.capitalize(java.lang.String)";

    @TempDir
    Path tmp;

    @Test
    void patchByPidThenUndo() throws Exception {
        Path fixJar = buildReplacementJar();
        Path lang3 = Path.of(StringUtils.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> jvm = ForkedJvm.jdkVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
        try (ForkedJvm target = ForkedJvm.startWithClassPath(jvm, List.of(lang3), PatchTarget.class)) {
            target.awaitLine("cap=Hello"::equals, 60);

            int mark = target.mark();
            Result patch = attach(target.pid(), "patch", TARGET, REPLACEMENT, fixJar.toString());
            assertEquals(0, patch.exit, patch.output);
            assertTrue(patch.output.contains("patched"), patch.output);
            target.awaitLine(mark, "cap=PATCHED:HELLO"::equals, 30);

            Result again = attach(target.pid(), "patch", TARGET, REPLACEMENT, fixJar.toString());
            assertEquals(3, again.exit, "a second patch of the same method is refused: " + again.output);
            assertTrue(again.output.contains("already patched"), again.output);

            Result list = attach(target.pid(), "patches");
            assertTrue(list.output.contains("capitalize"), list.output);

            Result unpatch = attach(target.pid(), "unpatch", TARGET);
            assertEquals(0, unpatch.exit, unpatch.output);
            mark = target.mark();
            target.awaitLine(mark, "cap=Hello"::equals, 30);
            // and it stays unpatched
            int after = target.mark();
            target.awaitLine(after, l -> l.startsWith("cap="), 30);
            for (String l : target.lines().subList(after, target.mark())) {
                if (l.startsWith("cap=")) {
                    assertEquals("cap=Hello", l);
                }
            }
        }
    }

    @Test
    void anIncompatibleReplacementIsRefusedWithAClearMessage() throws Exception {
        Path fixJar = buildReplacementJar();
        Path lang3 = Path.of(StringUtils.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> jvm = ForkedJvm.jdkVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
        try (ForkedJvm target = ForkedJvm.startWithClassPath(jvm, List.of(lang3), PatchTarget.class)) {
            target.awaitLine("cap=Hello"::equals, 60);
            Result r = attach(target.pid(), "patch", TARGET, "fix.Capitalizer.length(java.lang.String)", fixJar.toString());
            assertEquals(3, r.exit, r.output);
            assertTrue(r.output.contains("returns int"), r.output);
            int mark = target.mark();
            target.awaitLine(mark, "cap=Hello"::equals, 30);
        }
    }

    private Path buildReplacementJar() throws IOException {
        Path src = tmp.resolve("src/fix/Capitalizer.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package fix;\n"
                + "public final class Capitalizer {\n"
                + "    public static String capitalize(String s) { return s == null ? null : \"PATCHED:\" + s.toUpperCase(); }\n"
                + "    public static int length(String s) { return s.length(); }\n"
                + "}\n");
        Path classes = tmp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "compiling the replacement");
        Path jar = tmp.resolve("fix.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("fix/Capitalizer.class"));
            out.write(Files.readAllBytes(classes.resolve("fix/Capitalizer.class")));
            out.closeEntry();
        }
        return jar;
    }

    private static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    private static Result attach(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ForkedJvm.javaBin());
        cmd.add("-jar");
        cmd.add(ForkedJvm.agentJar().toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream(); OutputStream o = buf) {
            in.transferTo(o);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "attach finished");
        return new Result(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    }
}
