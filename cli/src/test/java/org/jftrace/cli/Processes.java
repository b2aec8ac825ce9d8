package org.jftrace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Test support: the real {@code jftrace} (its shaded jar or its launcher script) run as a separate
 * process, and a target JVM ({@link LoopTarget}) whose output is collected line by line.
 */
final class Processes {
    private Processes() {
    }

    /** What a run of the command left: exit code, standard output and error apart, time taken. */
    record Run(int exit, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + exit + " in " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Path cliJar() {
        return existing(System.getProperty("jftrace.cli.jar", "target/jftrace.jar"), "run mvn package first");
    }

    static Path script() {
        return existing(System.getProperty("jftrace.cli.script", "src/main/sh/jftrace"), "the launcher script");
    }

    static Path agentJar() {
        return existing(System.getProperty("jftrace.agent.jar", "../agent/target/jftrace-agent.jar"),
                "build the agent module first");
    }

    private static Path existing(String path, String hint) {
        Path p = Path.of(path).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing (" + hint + ")");
        }
        return p;
    }

    /** Runs {@code java [jvm] -jar jftrace.jar args...}. */
    static Run jftrace(List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(cliJar().toString());
        cmd.addAll(List.of(args));
        return run(cmd, Map.of());
    }

    static Run jftrace(String... args) throws Exception {
        return jftrace(List.of(), args);
    }

    /** Runs {@code cmd} with {@code env} added to this process's environment. */
    static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jftrace did not finish: " + cmd + "\n" + out);
        }
        return new Run(p.exitValue(), out, err.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A running {@link LoopTarget}; closing kills it. */
    static final class Target implements AutoCloseable {
        final Process process;
        private final List<String> lines = new ArrayList<>();

        private Target(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(l);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException ended) {
                    // the target was killed
                }
            }, "target-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Starts a target, the test JDK's java with the test classes, and waits for its first
         * greeting. JDK 21+ prints four warning lines per dynamic agent load unless told it is
         * expected, which the README documents; targets here say so.
         */
        static Target start(String... jvm) throws Exception {
            return start(List.of(jvm));
        }

        /** Like {@link #start(String...)}, with program arguments {@code args}. */
        static Target start(List<String> jvm, String... args) throws Exception {
            return start(LoopTarget.class, "g=hello", jvm, args);
        }

        /** Starts {@code main}, a class of these tests, as {@link #start(String...)} does; waits for a line starting {@code ready}. */
        static Target start(Class<?> main, String ready, List<String> jvm, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(java(), "-Xshare:auto"));
            if (Runtime.version().feature() >= 21) {
                cmd.add("-XX:+EnableDynamicAgentLoading");
            }
            cmd.addAll(jvm);
            String classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            cmd.addAll(List.of("-cp", classes, main.getName()));
            cmd.addAll(List.of(args));
            Target t = new Target(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            t.await(0, l -> l.startsWith(ready), 60);
            return t;
        }

        String pid() {
            return Long.toString(process.pid());
        }

        /** {@return the number of lines so far}, for {@link #await} to look only after it */
        int mark() {
            synchronized (lines) {
                return lines.size();
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        /** Waits until a line after {@code from} matches; fails with the output after {@code seconds}. */
        void await(int from, Predicate<String> p, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                for (int i = from; ; ) {
                    for (; i < lines.size(); i++) {
                        if (p.test(lines.get(i))) {
                            return;
                        }
                    }
                    long left = end - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && i >= lines.size()) {
                        throw new AssertionError("the target never printed the expected line; it printed:\n"
                                + String.join("\n", lines));
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
