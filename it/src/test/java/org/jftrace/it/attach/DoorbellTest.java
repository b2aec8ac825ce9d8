package org.jftrace.it.attach;

import static org.jftrace.it.attach.AttachSupport.attach;
import static org.jftrace.it.attach.AttachSupport.attachable;
import static org.jftrace.it.attach.AttachSupport.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jftrace.it.ForkedJvm;
import org.jftrace.it.attach.AttachSupport.Cmd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After the first command, later ones reach the started agent at its doorbell (a Unix domain socket
 * named like the JVM's own attach socket) instead of loading it again, which on JDK 21+ made the JVM
 * print four warning lines into the traced program's output per command. Real target JVMs, the real
 * command; the socket's place and permissions, a stale socket, a ring of another version.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DoorbellTest {
    @BeforeAll
    static void linux() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "the doorbell's place is found through /proc");
    }

    private static Path doorbell(long pid) {
        return Path.of("/proc", Long.toString(pid), "root", "tmp", ".jftrace_pid" + pid);
    }

    private static List<String> warnings(ForkedJvm t) {
        return t.lines().stream().filter(l -> !l.startsWith("g=") && !l.equals("ready")
                && !l.contains(AttachSupport.CDS_WARNING)).collect(Collectors.toList());
    }

    /** JDK 21+ prints four lines per agent load in the target (README: -XX:+EnableDynamicAgentLoading hides them). */
    @Test
    void withoutEnableDynamicAgentLoadingTheJvmWarnsForTheFirstCommandOnly() throws Exception {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "the dynamic agent warning is JDK 21+");
        try (ForkedJvm t = target(List.of())) {
            for (String[] c : List.of(new String[] {"install"}, new String[] {"patches"}, new String[] {"enabled"},
                    new String[] {"cat", "current_tracer"})) {
                Cmd r = attach(t.pid(), c);
                assertEquals(0, r.exit, r.output);
            }
            int mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello"), 30);
            List<String> other = warnings(t);
            assertEquals(4, other.size(), t.output());
            for (String l : other) {
                assertTrue(l.startsWith("WARNING: "), t.output());
            }
            assertTrue(other.get(1).contains("-XX:+EnableDynamicAgentLoading"), t.output());
        }
    }

    /**
     * Commands started together on a JVM without jftrace attach one at a time (a lock of this user's),
     * so one loads the agent and the others ring; two first attaches at once could also make the JVM
     * print a thread dump into its output (its attach listener starts on SIGQUIT).
     */
    @Test
    void commandsStartedTogetherLoadTheAgentOnce() throws Exception {
        boolean warns = ForkedJvm.jdkVersion() >= 21;
        try (ForkedJvm t = target(List.of())) {
            List<Process> ps = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ps.add(new ProcessBuilder(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString(),
                        Long.toString(t.pid()), "cat", "current_tracer").redirectErrorStream(true).start());
            }
            for (Process p : ps) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.trim().endsWith(": nop"), out);
            }
            int mark = t.mark();
            t.awaitLine(mark, l -> l.startsWith("g=hello"), 30);
            assertFalse(t.output().contains("Full thread dump"), t.output());
            assertEquals(warns ? 4 : 0, warnings(t).size(), "one agent load: " + t.output());
        }
    }

    @Test
    void theFirstCommandOpensAnOwnerOnlySocketThatLaterCommandsUse() throws Exception {
        try (ForkedJvm t = target(attachable())) {
            Path bell = doorbell(t.pid());
            assertFalse(Files.exists(bell, LinkOption.NOFOLLOW_LINKS), "no doorbell before jftrace starts");
            assertEquals(0, attach(t.pid(), "install").exit);
            PosixFileAttributes a = Files.readAttributes(bell, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther(), "a socket");
            assertEquals("rw-------", PosixFilePermissions.toString(a.permissions()));
            assertEquals(Files.getOwner(Path.of("/proc/self")), a.owner());
            // answered at the doorbell: the agent is not loaded again (its jar's agentmain would answer as well,
            // so the proof is that a command works while the JVM's attach listener is not asked)
            Cmd r = attach(t.pid(), "echo", "set_ftrace_filter", AttachTarget.class.getName() + ".greet");
            assertEquals(0, r.exit, r.output);
            r = attach(t.pid(), "cat", "set_ftrace_filter");
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": " + AttachTarget.class.getName() + ".greet", r.output.trim());
            assertEquals("refused", ring(bell, "jftrace-doorbell-0 /tmp"), "another version's ring is refused");
            assertEquals("refused", ring(bell, "no newline, then the end"), "a ring without its line is refused");
            r = attach(t.pid(), "cat", "current_tracer");
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": nop", r.output.trim(), "the doorbell still answers after bad rings");
            assertEquals(List.of(), warnings(t), "nothing printed in the target");
        }
    }

    /** The doorbell's own socket and file I/O (JDK code) never shows in a trace: its thread is jftrace's. */
    @Test
    void theDoorbellsOwnIoIsNotTraced() throws Exception {
        try (ForkedJvm t = target(attachable())) {
            for (String[] c : List.of(new String[] {"echo", "set_ftrace_filter", "sun.nio.ch.*"},
                    new String[] {"append", "set_ftrace_filter", "java.nio.file.Files.*"},
                    new String[] {"echo", "current_tracer", "function"}, new String[] {"cat", "current_tracer"},
                    new String[] {"cat", "set_ftrace_filter"})) {
                Cmd r = attach(t.pid(), c);
                assertEquals(0, r.exit, r.output);
            }
            Cmd trace = attach(t.pid(), "cat", "trace");
            assertEquals(0, trace.exit, trace.output);
            assertTrue(trace.output.contains("# tracer: function"), trace.output);
            assertFalse(trace.output.contains("jftrace-doorbell"), trace.output);
            assertEquals(0, attach(t.pid(), "echo", "current_tracer", "nop").exit);
        }
    }

    @Test
    void aStaleSocketIsReplacedAndTheCommandAttachesMeanwhile() throws Exception {
        try (ForkedJvm t = target(attachable())) {
            Path bell = doorbell(t.pid());
            // what a JVM that had this pid and died leaves: a socket file no one listens on
            try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                dead.bind(UnixDomainSocketAddress.of(bell));
            }
            assertTrue(Files.exists(bell, LinkOption.NOFOLLOW_LINKS));
            Cmd r = attach(t.pid(), "cat", "current_tracer");
            assertEquals(0, r.exit, r.output);
            assertEquals("jftrace in JVM " + t.pid() + ": nop", r.output.trim());
            assertEquals("refused", ring(bell, "hello"), "jftrace listens there now");
            r = attach(t.pid(), "cat", "current_tracer");
            assertEquals(0, r.exit, r.output);
        }
    }

    @Test
    void doorbellsOfProcessesThatAreGoneAreTidiedAway() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid(); // a pid no process has now (reused within this test only by chance: checked below)
        Path left = Path.of("/tmp", ".jftrace_pid" + dead);
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(left));
        }
        try (ForkedJvm t = target(attachable())) {
            assertEquals(0, attach(t.pid(), "install").exit);
            if (ProcessHandle.of(dead).isEmpty()) {
                assertFalse(Files.exists(left, LinkOption.NOFOLLOW_LINKS), "a killed JVM's doorbell is deleted");
            }
            assertTrue(Files.exists(doorbell(t.pid()), LinkOption.NOFOLLOW_LINKS), "the live one stays");
        } finally {
            Files.deleteIfExists(left);
        }
    }

    /** {@return the doorbell's answer to {@code line} (sent without a newline when it says so), then the end} */
    private static String ring(Path bell, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(bell));
            String text = line.startsWith("no newline") ? line : line + "\n";
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteBuffer b = ByteBuffer.allocate(64);
            while (ch.read(b) >= 0) {
                // until the doorbell closes
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
        }
    }
}
