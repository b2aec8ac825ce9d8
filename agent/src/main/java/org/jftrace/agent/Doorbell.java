package org.jftrace.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Where later commands reach a started agent without loading it again. JDK 21+ prints four warning
 * lines into the target's standard error each time an agent is loaded into it (JEP 451), so a
 * {@code jftrace record} (two commands) or a few {@code jftrace echo}s filled the traced program's
 * output with them; now only the first command loads the agent, and the target shows one warning.
 *
 * <p>Security as HotSpot's own attach listener: a Unix domain socket in /tmp named by the pid
 * ({@link Attach#DOORBELL_PREFIX}), readable and writable by its owner only, and a peer check on
 * every connection: only this JVM's user, or root, may ring, as only they may attach. A ring carries
 * the path of a request directory, which is then read and answered exactly as {@link
 * JftraceAgent#agentmain} reads and answers its argument (the same checks: no directory other users
 * may write to). Rings are answered one at a time, on one daemon thread, as the JVM's attach listener
 * answers loads; a ring that sends nothing is dropped after {@value #READ_SECONDS} s. Nothing listens
 * on a network port. The socket goes when the JVM exits; a stale one (a JVM that died with this pid)
 * is replaced, and a command that finds no one listening attaches as before.
 */
final class Doorbell implements Runnable {
    static final int READ_SECONDS = 10;
    /** The longest ring: the magic, a space, a request directory's path. */
    private static final int MAX_RING = 4096;
    private static Doorbell started;

    private final ServerSocketChannel server;
    /** The user the socket belongs to (this JVM's): who may ring, besides root. */
    private final String owner;
    private final Instrumentation inst;

    private Doorbell(ServerSocketChannel server, String owner, Instrumentation inst) {
        this.server = server;
        this.owner = owner;
        this.inst = inst;
    }

    /** {@return the socket of the JVM with pid {@code pid} (as that JVM sees its pid and /tmp)} */
    static Path path(long pid) {
        return Path.of(Attach.DOORBELL_PREFIX + pid);
    }

    /**
     * Starts listening, once per JVM (the agent has started). Quiet when it cannot: commands then
     * keep loading the agent, as before.
     */
    static synchronized void start(Instrumentation inst) {
        if (started != null) {
            return;
        }
        Path socket = path(ProcessHandle.current().pid());
        try {
            if (ExtendedSocketOptions.SO_PEERCRED == null // jdk.net left out of the JVM's modules: NoClassDefFoundError
                    || !socket.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return;
            }
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isOther() || !a.owner().equals(Files.getOwner(Path.of("/proc/self")))) {
                    return; // not a socket of this user: leave it, attach as before
                }
                Files.delete(socket); // a JVM with this pid died without removing it
            }
            removeDead(socket.getParent());
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socket));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                socket.toFile().deleteOnExit();
                String owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName();
                Doorbell d = new Doorbell(server, owner, inst);
                Thread t = new Thread(d, "jftrace-doorbell");
                t.setDaemon(true);
                t.start();
                started = d;
            } catch (IOException | RuntimeException e) {
                server.close();
                Files.deleteIfExists(socket);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // no doorbell: every command loads the agent
        }
    }

    /**
     * Deletes this user's doorbells of processes that are gone (killed JVMs cannot delete theirs), so
     * that /tmp does not collect one per killed JVM.
     */
    private static void removeDead(Path tmp) {
        String name = Path.of(Attach.DOORBELL_PREFIX).getFileName().toString();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp, name + "*")) {
            UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
            for (Path p : s) {
                String pid = p.getFileName().toString().substring(name.length());
                if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()
                        && me.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // tidying only
        }
    }

    @Override
    public void run() {
        // jftrace's own thread: its socket and file I/O is never traced by a guarded ops (the kernel
        // does not trace ftrace's own code either); held for the thread's life
        AttachRequests.ownWork(true, false);
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                answer(ch);
            } catch (IOException | RuntimeException e) {
                if (!server.isOpen()) {
                    return;
                }
                // that ring failed (the command went away): the next one is answered
            }
        }
    }

    private void answer(SocketChannel ch) throws IOException {
        // the ring is read before it is judged: closing on unread bytes would reset the connection,
        // and the ringer would not learn it was refused
        String ring = readLine(ch);
        UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = peer.user().getName();
        String prefix = Attach.DOORBELL_MAGIC + " ";
        if (!user.equals(owner) && !user.equals("root") || ring == null || !ring.startsWith(prefix)) {
            reply(ch, Attach.REFUSED); // another user, another version's ring, or none: it may attach
            return;
        }
        AttachRequests.answer(ring.substring(prefix.length()), inst);
        reply(ch, Attach.DONE);
    }

    /** {@return the ring's line, or null if none came within {@value #READ_SECONDS} s or it was too long} */
    private static String readLine(SocketChannel ch) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(MAX_RING);
        long deadline = System.nanoTime() + READ_SECONDS * 1_000_000_000L;
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || sel.select(left) == 0 && System.nanoTime() >= deadline) {
                    return null;
                }
                sel.selectedKeys().clear();
                if (ch.read(buf) < 0) {
                    return null;
                }
                for (int i = 0; i < buf.position(); i++) {
                    if (buf.get(i) == '\n') {
                        return new String(buf.array(), 0, i, StandardCharsets.UTF_8);
                    }
                }
                if (!buf.hasRemaining()) {
                    return null;
                }
            }
        } finally {
            ch.configureBlocking(true);
        }
    }

    private static void reply(SocketChannel ch, String word) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((word + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
