package org.jftrace.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command's end of a stream ({@code org.jftrace.internal.agent.StreamSession} in the target):
 * one attach ({@code stream-open}) answers the path of a Unix domain socket in a directory only
 * this user can enter, and a token; this connects, sends the token and copies what comes to
 * standard output until the agent closes. {@code --duration} or Ctrl-C send {@code stop}: the
 * agent sends what is left (a stat: its table), undoes what it set up and closes. If this JVM dies
 * any other way its socket closes, and the agent undoes its set-up all the same.
 */
final class StreamClient {
    private final Object lock = new Object();
    private SocketChannel channel;
    private boolean finished;
    private boolean stopSent;

    /**
     * Opens the stream, copies it to {@code out} until the end. {@return the exit code}
     *
     * @param duration seconds until stop, or null for Ctrl-C
     */
    int run(AgentChannel agent, long pid, String[] words, Double duration, PrintStream out, Progress progress,
            String what) throws CliFailure {
        agent.check(words);
        agent.checkTarget(pid);
        // Before the open: a Ctrl-C during the attach still stops what it set up (the agent would too,
        // 30 s later, with no connection; this is sooner).
        Thread hook = new Thread(() -> {
            stop();
            synchronized (lock) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (!finished && channel != null && System.nanoTime() < end) {
                    try {
                        lock.wait(100);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                if (channel != null) {
                    Runtime.getRuntime().halt(Jftrace.EXIT_OK); // Ctrl-C: stopped as asked, not the signal's code
                }
            }
        }, "jftrace-stream-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        progress.step("opening " + what + " in JVM " + pid);
        String[] answer = agent.call(pid, words).split(" ");
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(Path.of(answer[0])));
            ch.write(ByteBuffer.wrap((answer[1] + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(Jftrace.EXIT_FAILED, "cannot connect to the stream of JVM " + pid + " at " + answer[0]
                    + ": " + e + " (the JVM undoes what the stream set up within 30 s)");
        }
        synchronized (lock) {
            channel = ch;
        }
        progress.say(what + " of JVM " + pid + (duration != null ? String.format(java.util.Locale.ROOT, " for %.1f s",
                duration) : " until Ctrl-C"));
        if (duration != null) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep((long) (duration * 1000));
                    stop();
                } catch (InterruptedException e) {
                    // the stream ended first
                }
            }, "jftrace-stream-duration");
            t.setDaemon(true);
            t.start();
        }
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        try {
            while (ch.read(b) >= 0) {
                out.write(b.array(), 0, b.position());
                out.flush();
                b.clear();
            }
        } catch (IOException e) {
            // the JVM went away: what came is printed
        } finally {
            synchronized (lock) {
                finished = true;
                lock.notifyAll();
            }
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook halts
        }
        return Jftrace.EXIT_OK;
    }

    /** Asks the agent to end the stream (once). */
    private void stop() {
        synchronized (lock) {
            if (channel == null || stopSent || finished) {
                return;
            }
            stopSent = true;
            try {
                channel.write(ByteBuffer.wrap("stop\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // gone already
            }
        }
    }
}
