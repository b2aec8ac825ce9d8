package org.jftrace.internal.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.internal.dispatch.ThreadGuard;
import org.jftrace.tracers.fs.Tracefs;
import org.jftrace.tracers.fs.TracefsPipe;

/**
 * A live, long-lived read for {@code jftrace stream} ({@code trace_pipe}) and {@code jftrace stat}
 * (the profiler until stopped): the agent command {@code stream-open MODE [tracer=T] [filter=G;G...]}
 * sets up what the command asked for (only when nothing is set up: current_tracer nop, profiler
 * off), opens a Unix domain socket in a new directory only this user can enter, starts one daemon
 * thread and answers {@code PATH TOKEN}. The command connects, sends the token, and reads text
 * until the end.
 *
 * <p>The end: the command's {@code stop} line (Ctrl-C, --duration; a {@code stat} then gets the
 * table), the command's end in any way at all (its socket closes: even SIGKILL), no connection
 * within {@value #ACCEPT_SECONDS} s, or {@code jftrace reset}. Then what this session set up is
 * undone (current_tracer back to nop, the profiler off, set_ftrace_filter as before) and the
 * thread ends: the target is as before the stream. A tracer set up with {@code jftrace echo} is
 * only read, never changed. Nothing listens on a network port; the socket file is deleted as soon
 * as the command has connected, so no one else can.
 */
final class StreamSession implements Runnable {
    static final int ACCEPT_SECONDS = 30;
    private static StreamSession current;

    private final String mode;
    private final Tracefs fs;
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final String token;
    /** What to put back at the end; null when the session only reads what the user set up. */
    private final String savedFilter;
    /** set_ftrace_pid to put back at the end; null when the session did not set it. */
    private final String savedPid;
    private final String description;
    private volatile SocketChannel client;
    private volatile boolean abandoned;
    private Thread thread;

    private StreamSession(String mode, Tracefs fs, Path dir, ServerSocketChannel server, String token,
                          String savedFilter, String savedPid, String description) {
        this.mode = mode;
        this.fs = fs;
        this.dir = dir;
        this.socket = dir.resolve("s");
        this.server = server;
        this.token = token;
        this.savedFilter = savedFilter;
        this.savedPid = savedPid;
        this.description = description;
    }

    /** {@code stream-open pipe|stat [tracer=T] [filter=G;G...] [threads=T;T...]}: {@return {@code PATH TOKEN}} */
    static synchronized String open(String[] w) throws IOException {
        if (w.length < 2 || !(w[1].equals("pipe") || w[1].equals("stat"))) {
            throw new IllegalArgumentException("usage: stream-open pipe|stat [tracer=T] [filter=GLOB;GLOB...] "
                    + "[threads=ID|NAMEGLOB;...]");
        }
        if (current != null) {
            throw new FtraceException(Errno.EBUSY, "JVM " + ProcessHandle.current().pid() + " has a stream already ("
                    + current.description + "): one at a time; end it first (Ctrl-C in its jftrace)");
        }
        String mode = w[1];
        String tracer = null;
        String filter = null;
        String threads = null;
        for (int i = 2; i < w.length; i++) {
            if (w[i].startsWith("tracer=")) {
                tracer = w[i].substring(7);
            } else if (w[i].startsWith("filter=")) {
                filter = w[i].substring(7).replace(';', ' ');
            } else if (w[i].startsWith("threads=")) {
                threads = w[i].substring(8).replace(';', ' ');
            } else {
                throw new IllegalArgumentException("stream-open: unknown item '" + w[i] + "': give tracer=T, filter=G;G "
                        + "or threads=T;T");
            }
        }
        if (threads != null && filter == null) {
            throw new IllegalArgumentException("--threads needs -l GLOB: it belongs to the tracer the stream sets up "
                    + "(for one set up with jftrace echo, echo set_ftrace_pid too)");
        }
        Tracefs fs = TracefsCommands.fs();
        String saved;
        String savedPid = null;
        String description;
        synchronized (fs) { // no echo gets in between the look and the set-up
            boolean nop = fs.read("current_tracer").strip().equals(Tracefs.NOP);
            boolean profiling = fs.read("function_profile_enabled").strip().equals("1");
            boolean setUp = filter != null || tracer != null || mode.equals("stat");
            if (setUp && (!nop || profiling)) {
                throw new FtraceException(Errno.EBUSY, (profiling ? "function_profile_enabled is 1" : "current_tracer is "
                        + fs.read("current_tracer").strip()) + " already (set up with jftrace echo), and a stream that "
                        + "sets up its own would change it: " + (mode.equals("pipe") && !nop && !profiling
                        ? "run stream without -l and -t to read its trace_pipe" : "read trace_stat/function with "
                        + "'jftrace cat'") + ", or undo that set-up first (jftrace echo ... current_tracer nop, "
                        + "function_profile_enabled 0)");
            }
            if (setUp && filter == null) {
                throw new IllegalArgumentException("give -l GLOB: the functions to " + (mode.equals("stat") ? "profile"
                        : "trace") + " (every method of a JVM is far too many)");
            }
            if (!setUp && nop) {
                throw new IllegalArgumentException("current_tracer is nop in JVM " + ProcessHandle.current().pid()
                        + ": give -l GLOB (and -t) for stream to set up a tracer, or set one up with jftrace echo");
            }
            saved = setUp ? savedList(fs.read("set_ftrace_filter")) : null;
            if (setUp) {
                fs.write("set_ftrace_filter", filter);
                try {
                    if (threads != null) {
                        String pid = fs.read("set_ftrace_pid");
                        fs.write("set_ftrace_pid", threads);
                        savedPid = pid.equals("no pid\n") ? "" : String.join(" ", pid.lines().toList());
                    }
                    if (mode.equals("stat")) {
                        fs.write("function_profile_enabled", "1");
                    } else {
                        fs.write("current_tracer", tracer != null ? tracer : "function");
                    }
                } catch (RuntimeException e) {
                    fs.write("set_ftrace_filter", saved);
                    if (savedPid != null) {
                        fs.write("set_ftrace_pid", savedPid);
                    }
                    throw e;
                }
            }
            description = mode.equals("stat") ? "stat of " + filter : "trace_pipe of " + fs.read("current_tracer").strip()
                    + (setUp ? " on " + filter : "") + (threads != null ? " (threads " + threads + ")" : "");
        }
        StreamSession s;
        try {
            s = bind(mode, fs, saved, savedPid, description);
        } catch (IOException | RuntimeException e) {
            if (saved != null) {
                restore(fs, mode, saved, savedPid);
            }
            throw e;
        }
        s.thread = new Thread(s, "jftrace-stream");
        s.thread.setDaemon(true);
        current = s;
        s.thread.start();
        return s.socket + " " + s.token;
    }

    /** {@return the list of a filter file's text as a write takes it back} */
    private static String savedList(String text) {
        List<String> l = new ArrayList<>();
        // the globs only: trigger lines follow them, and the stream changes no trigger
        text.lines().filter(x -> !x.startsWith("#") && !x.isBlank() && !Tracefs.isTriggerLine(x)).forEach(l::add);
        return String.join(" ", l);
    }

    private static StreamSession bind(String mode, Tracefs fs, String saved, String savedPid, String description)
            throws IOException {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "jftrace-stream-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
            server.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(dir);
            throw e;
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return new StreamSession(mode, fs, dir, server, HexFormat.of().formatHex(random), saved, savedPid, description);
    }

    /** For {@code reset}: ends the stream (its thread restores what it set up); {@return what it was, or null} */
    static String abandon() {
        StreamSession s;
        synchronized (StreamSession.class) {
            s = current;
        }
        if (s == null) {
            return null;
        }
        s.abandoned = true;
        try {
            s.thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return s.description;
    }

    @Override
    public void run() {
        // jftrace's own thread, for its life: its reads of the trace and writes to the socket must not
        // be traced (a stream of sun.nio.ch.* traced its own writes, a million events in 3 s)
        ThreadGuard.enterJftrace();
        try {
            SocketChannel ch = accept();
            if (ch != null && authenticated(ch)) {
                if (mode.equals("stat")) {
                    stat(ch);
                } else {
                    pipe(ch);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the command went away (or reset ended the stream): nothing to tell anyone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
            if (savedFilter != null) {
                restore(fs, mode, savedFilter, savedPid);
            }
            synchronized (StreamSession.class) {
                current = null;
            }
        }
    }

    private static void restore(Tracefs fs, String mode, String saved, String savedPid) {
        synchronized (fs) {
            try {
                fs.write(mode.equals("stat") ? "function_profile_enabled" : "current_tracer", mode.equals("stat") ? "0"
                        : Tracefs.NOP);
            } finally {
                try {
                    fs.write("set_ftrace_filter", saved);
                } finally {
                    if (savedPid != null) {
                        fs.write("set_ftrace_pid", savedPid);
                    }
                }
            }
        }
    }

    /** {@return the command's connection}, or null if none came in time; then no one else can connect */
    private SocketChannel accept() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ACCEPT_SECONDS);
        try {
            while (System.nanoTime() < end && !abandoned) {
                SocketChannel ch = server.accept();
                if (ch != null) {
                    client = ch;
                    ch.configureBlocking(false);
                    return ch;
                }
                Thread.sleep(10);
            }
            return null;
        } finally {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** {@return whether the first line the command sends is the token} (within 10 s) */
    private boolean authenticated(SocketChannel ch) throws IOException, InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(token.length() + 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.hasRemaining() && System.nanoTime() < end && !abandoned) {
            if (ch.read(b) < 0) {
                return false;
            }
            if (b.hasRemaining()) {
                Thread.sleep(5);
            }
        }
        return !b.hasRemaining() && new String(b.array(), StandardCharsets.US_ASCII).equals(token + "\n");
    }

    /** {@return 0 while the command is there and silent, 1 when it asked to stop, -1 when it went away} */
    private int peer(SocketChannel ch) throws IOException {
        if (abandoned) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = ch.read(b);
        return n < 0 ? -1 : n == 0 ? 0 : 1;
    }

    private void pipe(SocketChannel ch) throws IOException, InterruptedException {
        TracefsPipe p = fs.openPipe();
        while (true) {
            int peer = peer(ch);
            if (peer < 0) {
                return;
            }
            if (!fs.isCurrent(p)) {
                send(ch, List.of("# jftrace: current_tracer changed to " + fs.read("current_tracer").strip()
                        + " in the JVM: the stream ends"));
                return;
            }
            send(ch, p.read(peer > 0 ? 0 : 100, TimeUnit.MILLISECONDS));
            if (peer > 0) {
                return; // stopped: what was in the buffers went out above
            }
        }
    }

    private void stat(SocketChannel ch) throws IOException, InterruptedException {
        while (true) {
            int peer = peer(ch);
            if (peer < 0) {
                return;
            }
            if (peer > 0) {
                send(ch, fs.read("trace_stat/function").lines().toList());
                return;
            }
            Thread.sleep(50);
        }
    }

    private void send(SocketChannel ch, List<String> lines) throws IOException, InterruptedException {
        if (lines.isEmpty()) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            if (ch.write(b) == 0) {
                if (abandoned) {
                    throw new IOException("abandoned");
                }
                Thread.sleep(1);
            }
        }
    }

    private void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
            SocketChannel c = client;
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // best effort: a directory of this user only
        }
    }
}
