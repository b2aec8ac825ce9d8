package org.jftrace.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jftrace.it.ForkedJvm;
import org.jftrace.it.attach.AttachTarget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability, security (issue 12), Linux: the control channel (attach by pid) refuses another OS
 * user, checked with a second user when the test runs as root and {@code setpriv} exists (skipped
 * with the reason otherwise), and so does the doorbell of a started jftrace, by its socket's mode
 * and by the peer's credentials; jftrace opens no network socket in the target (its
 * {@code /proc/PID/net} tables, matched to the target's own socket inodes, before and after
 * jftrace started and ran commands there); and it creates nothing group- or world-writable in
 * the temporary directories, even under {@code umask 000}. The forging of answers by the target's
 * code is {@code attach/AttachCommandTest}'s (system property); not repeated here.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecurityTest {
    static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    private static boolean linux() {
        return Files.isDirectory(Path.of("/proc/self/net"));
    }

    private static int uid() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("Uid:")) {
                return Integer.parseInt(l.split("\\s+")[1]);
            }
        }
        return -1;
    }

    private static List<String> attachable() {
        return ForkedJvm.jdkVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
    }

    record Cmd(int exit, String out) {
    }

    private static Cmd run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("OpenJDK 64-Bit Server VM warning: Sharing is only supported[^\\n]*\\n?", "");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Cmd(p.exitValue(), out.trim());
    }

    /** A directory outside the test's private temporary directories that user nobody can read and enter. */
    private static Path publicDir() throws IOException {
        Path d = Files.createTempDirectory(Path.of("/tmp"), "jftrace-rel-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    @Test
    void anotherUserCannotAttach() throws Exception {
        Assumptions.assumeTrue(linux(), "Linux /proc");
        Assumptions.assumeTrue(uid() == 0, "a second user needs root to start a process as it (uid " + uid() + ")");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is missing");
        Path pub = publicDir();
        try {
            Path jar = Files.copy(ForkedJvm.agentJar(), pub.resolve("jftrace-agent.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Path nobodyTmp = Files.createDirectory(pub.resolve("tmp"));
            Files.setPosixFilePermissions(nobodyTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path raw = pub.resolve("RawAttach.java");
            Files.writeString(raw, "public class RawAttach { public static void main(String[] a) throws Exception {\n"
                    + "  try { com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(a[0]);\n"
                    + "    vm.loadAgent(a[1]); vm.detach(); System.out.println(\"ATTACHED\");\n"
                    + "  } catch (Exception e) { System.out.println(\"REFUSED \" + e); } } }\n");
            Files.setPosixFilePermissions(raw, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> asNobody = List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    ForkedJvm.javaBin(), "-Djava.io.tmpdir=" + nobodyTmp, "-XX:-UsePerfData");
            Cmd probe = run(concat(asNobody, "-version"));
            Assumptions.assumeTrue(probe.exit() == 0, "user " + NOBODY + " cannot run " + ForkedJvm.javaBin() + ": "
                    + probe.out());
            try (ForkedJvm t = ForkedJvm.start(attachable(), AttachTarget.class)) {
                t.awaitLine(l -> l.startsWith("g=hello"), 60);
                String pid = Long.toString(t.pid());
                Cmd c = run(concat(asNobody, "-jar", jar.toString(), pid));
                assertEquals(2, c.exit(), c.out());
                assertEquals("cannot attach to " + pid + " (java): it runs as uid " + uid() + " and this command as uid "
                        + NOBODY + "; a JVM takes attach requests from its own user only", c.out());
                // past jftrace's own check, straight to the JDK's attach API: the JVM refuses too
                Cmd r = run(concat(asNobody, raw.toString(), pid, jar.toString()));
                assertTrue(r.out().startsWith("REFUSED "), r.out());
                int m = t.mark();
                t.awaitLine(m, l -> l.startsWith("g=hello"), 30);
                assertFalse(bootBridgeLoaded(t.pid()), "jftrace started in the target:\n" + t.output());
                // jftrace started by its user: its doorbell refuses the other user, by the socket's mode and,
                // with the mode opened up, by the peer's credentials; the request it carried is not run
                Cmd own = run(List.of(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString(), pid, "install"));
                assertEquals(0, own.exit(), own.out());
                Path bell = Path.of("/tmp/.jftrace_pid" + pid);
                Path ring = pub.resolve("RawRing.java");
                Files.writeString(ring, "import java.nio.*; import java.nio.channels.*; import java.nio.file.*;\n"
                        + "import java.nio.file.attribute.PosixFilePermissions;\n"
                        + "public class RawRing { public static void main(String[] a) throws Exception {\n"
                        + "  Path d = Files.createTempDirectory(Path.of(a[1]), \"ring\", PosixFilePermissions.asFileAttribute("
                        + "PosixFilePermissions.fromString(\"rwx------\")));\n"
                        + "  Files.write(d.resolve(\"request\"), String.join(\"\\0\", \"jftrace-attach-1\", \"t\", \"echo\", "
                        + "\"set_ftrace_filter\", \"java.util.HashMap.get\").getBytes());\n"
                        + "  Files.write(d.resolve(\"result\"), new byte[0]);\n"
                        + "  try (SocketChannel ch = SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {\n"
                        + "    ch.connect(java.net.UnixDomainSocketAddress.of(a[0]));\n"
                        + "    ch.write(ByteBuffer.wrap((\"jftrace-doorbell-1 \" + d + \"\\n\").getBytes()));\n"
                        + "    ByteBuffer b = ByteBuffer.allocate(64); while (ch.read(b) >= 0) { }\n"
                        + "    System.out.println(\"ANSWER \" + new String(b.array(), 0, b.position()).trim());\n"
                        + "  } catch (java.io.IOException e) { System.out.println(\"REFUSED \" + e); } } }\n");
                Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-r--r--"));
                Cmd byMode = run(concat(asNobody, ring.toString(), bell.toString(), nobodyTmp.toString()));
                assertTrue(byMode.out().startsWith("REFUSED "), byMode.out());
                Files.setPosixFilePermissions(bell, PosixFilePermissions.fromString("rw-rw-rw-"));
                Cmd byPeer = run(concat(asNobody, ring.toString(), bell.toString(), nobodyTmp.toString()));
                assertEquals("ANSWER refused", byPeer.out());
                Cmd filter = run(List.of(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString(), pid, "cat",
                        "set_ftrace_filter"));
                assertEquals(0, filter.exit(), filter.out());
                assertFalse(filter.out().contains("HashMap"), "the other user's request ran: " + filter.out());
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("attempts", 4);
                f.put("refused", 4);
                f.put("secondUid", NOBODY);
                f.put("failures", 0);
                Reliability.record("security-other-user", f);
            }
        } finally {
            deleteTree(pub);
        }
    }

    /** {@return the target's sockets: inodes of its fds} */
    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> s = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        s.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return s;
    }

    /** {@return the target's inet sockets (tcp, tcp6, udp, udp6), as "table local-address state"} */
    private static Set<String> inetSockets(long pid) throws IOException {
        Set<String> mine = socketInodes(pid);
        Set<String> out = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path p = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                if (f.length > 9 && mine.contains(f[9])) {
                    out.add(table + " " + f[1] + " state=" + f[3]);
                }
            }
        }
        return out;
    }

    /**
     * {@return the target's listening unix sockets other than the JVM's attach listener and jftrace's
     * doorbell (both owner-only, with a peer check: {@link #anotherUserCannotAttach})}
     */
    private static Set<String> unixListeners(long pid) throws IOException {
        Set<String> mine = socketInodes(pid);
        Set<String> out = new TreeSet<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/unix"));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.trim().split("\\s+");
            // Num RefCount Protocol Flags Type St Inode [Path]; flags 00010000 = listening
            if (f.length > 6 && mine.contains(f[6]) && f[3].endsWith("10000")) {
                String path = f.length > 7 ? f[7] : "(unnamed)";
                if (!path.contains(".java_pid") && !path.contains(".jftrace_pid")) {
                    out.add(path);
                }
            }
        }
        return out;
    }

    @Test
    void jftraceOpensNoNetworkSocket() throws Exception {
        Assumptions.assumeTrue(linux(), "Linux /proc");
        try (ForkedJvm t = ForkedJvm.start(attachable(), AttachTarget.class)) {
            t.awaitLine(l -> l.startsWith("g=hello"), 60);
            Set<String> before = inetSockets(t.pid());
            int commands = 0;
            for (String[] c : List.of(new String[0], new String[] {"patches"}, new String[] {"install"})) {
                List<String> cmd = new ArrayList<>(List.of(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString(),
                        Long.toString(t.pid())));
                cmd.addAll(List.of(c));
                Cmd r = run(cmd);
                assertEquals(0, r.exit(), r.out());
                commands++;
            }
            int m = t.mark();
            t.awaitLine(m, l -> l.startsWith("g=hello"), 30);
            Set<String> after = inetSockets(t.pid());
            Set<String> unix = unixListeners(t.pid());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("commands", commands);
            f.put("inetSocketsBefore", before.size());
            f.put("inetSocketsAfter", after.size());
            f.put("unixListenersBesidesAttach", unix.size());
            f.put("failures", after.size() + unix.size());
            Reliability.record("security-no-network", f);
            assertEquals(Set.of(), after, "the target has inet sockets after jftrace started there");
            assertEquals(Set.of(), unix, "the target listens on unix sockets besides the JVM's attach listener and "
                    + "jftrace's doorbell");
        }
    }

    @Test
    void nothingGroupOrWorldWritableIsCreatedEvenUnderUmask000() throws Exception {
        Assumptions.assumeTrue(linux() && Files.isExecutable(Path.of("/bin/sh")), "Linux with /bin/sh");
        Path targetTmp = Files.createDirectory(tmp.resolve("target-tmp"));
        Path commandTmp = Files.createDirectory(tmp.resolve("command-tmp"));
        List<String> umask0 = List.of("/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\"");
        // the target: jftrace from start-up (-javaagent), then attach commands into it
        List<String> jvm = new ArrayList<>(umask0);
        jvm.add(ForkedJvm.javaBin());
        jvm.addAll(attachable());
        jvm.addAll(List.of("-Djava.io.tmpdir=" + targetTmp, "-cp", ForkedJvm.testClassPath(), AttachTarget.class.getName()));
        Process target = new ProcessBuilder(jvm).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader rd = new java.io.BufferedReader(new java.io.InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            String l;
            while ((l = rd.readLine()) != null && !l.startsWith("g=hello")) {
                // wait for it
            }
            for (String[] c : List.of(new String[0], new String[] {"patches"})) {
                List<String> cmd = new ArrayList<>(umask0);
                cmd.addAll(List.of(ForkedJvm.javaBin(), "-Djava.io.tmpdir=" + commandTmp, "-jar",
                        ForkedJvm.agentJar().toString(), Long.toString(target.pid())));
                cmd.addAll(List.of(c));
                Cmd r = run(cmd);
                assertEquals(0, r.exit(), r.out());
            }
        } finally {
            target.destroyForcibly();
            target.waitFor(30, TimeUnit.SECONDS);
        }
        // and a JVM with the agent from start-up, under umask 000 too
        List<String> pre = new ArrayList<>(umask0);
        // (the boot bridge by its jar, the route that writes files: by default nothing is written)
        pre.addAll(List.of(ForkedJvm.javaBin(), "-javaagent:" + ForkedJvm.agentJar(), "-Djava.io.tmpdir=" + targetTmp,
                "-Djftrace.bootBridge=jar",
                "-cp", ForkedJvm.testClassPath() + java.io.File.pathSeparator + ForkedJvm.agentJar(),
                BadInputTest.OptionTarget.class.getName()));
        Cmd p = run(pre);
        assertEquals(0, p.exit(), p.out());
        assertTrue(p.out().contains("AGENT true SEEN 1"), p.out());

        List<String> created = new ArrayList<>();
        List<String> writable = new ArrayList<>();
        for (Path root : List.of(targetTmp, commandTmp)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path x : (Iterable<Path>) s::iterator) {
                    if (x.equals(root)) {
                        continue;
                    }
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(x, LinkOption.NOFOLLOW_LINKS);
                    String e = root.relativize(x) + " " + PosixFilePermissions.toString(perms);
                    created.add(e);
                    if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                        writable.add(e);
                    }
                }
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("jvms", 2);
        f.put("attachCommands", 2);
        f.put("filesCreated", created.size());
        f.put("groupOrWorldWritable", writable.size());
        f.put("failures", writable.size());
        Reliability.record("security-no-writable-files", f);
        System.out.println("created: " + created);
        assertEquals(List.of(), writable, "created: " + created);
        assertFalse(created.isEmpty(), "jftrace's boot jar is expected under the target's java.io.tmpdir");
    }

    /** {@return whether jftrace's boot bridge is loaded in JVM {@code pid}}, asked with the JDK's jcmd */
    private static boolean bootBridgeLoaded(long pid) throws Exception {
        Path jcmd = Path.of(ForkedJvm.javaBin()).resolveSibling("jcmd");
        Cmd c = run(List.of(jcmd.toString(), Long.toString(pid), "VM.class_hierarchy", "org.jftrace.internal.boot.Hooks"));
        assertEquals(0, c.exit(), c.out());
        return c.out().contains("org.jftrace.internal.boot.Hooks");
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(more));
        return l;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
