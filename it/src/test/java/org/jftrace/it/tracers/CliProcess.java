package org.jftrace.it.tracers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;

/** The {@code jftrace} command's jar run as a process of its own, its two streams collected apart. */
final class CliProcess {
    final Process process;
    private final StringBuffer err = new StringBuffer();
    private final CompletableFuture<String> out = new CompletableFuture<>();

    private CliProcess(Process process) {
        this.process = process;
        // threads of their own: the common pool has one worker on 2 cores, held by another command's reader
        Thread o = new Thread(() -> out.complete(read(process.getInputStream(), null)), "cli-stdout");
        o.setDaemon(true);
        o.start();
        Thread t = new Thread(() -> read(process.getErrorStream(), err), "cli-stderr");
        t.setDaemon(true);
        t.start();
    }

    static Path jar() {
        Path p = Path.of(System.getProperty("jftrace.cli.jar", "../cli/target/jftrace.jar")).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("the jftrace command's jar is missing: " + p + " (run mvn package first)");
        }
        return p;
    }

    /** Starts {@code java -jar jftrace.jar args...} with the agent jar of this build. */
    static CliProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ForkedJvm.javaBin(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        if (args.length > 0 && !args[0].equals("report")) {
            cmd.addAll(List.of("--agent-jar", ForkedJvm.agentJar().toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Process p = pb.start();
        p.getOutputStream().close();
        return new CliProcess(p);
    }

    /** Runs it to the end: {@return this} */
    static CliProcess run(String... args) throws Exception {
        CliProcess c = start(args);
        c.waitFor(120);
        return c;
    }

    int waitFor(int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jftrace did not end in " + seconds + " s; stderr:\n" + err);
        }
        out.get(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    int exit() {
        return process.exitValue();
    }

    String out() {
        return out.getNow("(still running)");
    }

    String err() {
        return err.toString();
    }

    /** Waits until standard error holds {@code text}; fails after {@code seconds}. */
    void awaitErr(String text, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!err.toString().contains(text)) {
            if (System.nanoTime() > end || !process.isAlive()) {
                throw new AssertionError("jftrace never said '" + text + "'; stderr:\n" + err);
            }
            Thread.sleep(20);
        }
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
    }

    @Override
    public String toString() {
        return "exit " + (process.isAlive() ? "(running)" : process.exitValue()) + "\n--- stdout\n" + out()
                + "\n--- stderr\n" + err;
    }

    private static String read(InputStream in, StringBuffer into) {
        try {
            byte[] buf = new byte[8192];
            StringBuilder all = new StringBuilder();
            for (int n; (n = in.read(buf)) > 0; ) {
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                all.append(s);
                if (into != null) {
                    into.append(s);
                }
            }
            return all.toString();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
