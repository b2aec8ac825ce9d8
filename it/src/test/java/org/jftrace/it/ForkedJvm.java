package org.jftrace.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Starts a separate JVM (the same JDK as the test's) running a target main class from the test
 * classes, with or without the agent, and collects its output line by line.
 */
public final class ForkedJvm implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ForkedJvm(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "forked-jvm-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@return the agent jar built by the agent module} */
    public static Path agentJar() {
        Path p = Path.of(System.getProperty("jftrace.agent.jar", "../agent/target/jftrace-agent.jar"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("agent jar missing: " + p.toAbsolutePath() + " (run mvn package first)");
        }
        return p.toAbsolutePath();
    }

    /** {@return the java launcher of the JDK running this test} */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@return the feature version of the JDK running this test} */
    public static int jdkVersion() {
        return Runtime.version().feature();
    }

    /**
     * Starts {@code mainClass} with the test class path plus the agent jar.
     *
     * @param jvmArgs extra JVM options, e.g. {@code -javaagent:...}
     */
    public static ForkedJvm start(List<String> jvmArgs, Class<?> mainClass, String... args) throws IOException {
        return startWithClassPath(jvmArgs, List.of(), mainClass, args);
    }

    /** Like {@link #start}, with {@code extraClassPath} entries (jars) after the test classes. */
    public static ForkedJvm startWithClassPath(List<String> jvmArgs, List<Path> extraClassPath, Class<?> mainClass,
                                               String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.add("-Xshare:auto");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        StringBuilder cp = new StringBuilder(testClassPath());
        for (Path p : extraClassPath) {
            cp.append(File.pathSeparator).append(p.toAbsolutePath());
        }
        cmd.add(cp + File.pathSeparator + agentJar());
        cmd.add(mainClass.getName());
        Collections.addAll(cmd, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new ForkedJvm(pb.start());
    }

    /** {@return the directory of this module's test classes} */
    public static String testClassPath() {
        try {
            return Path.of(ForkedJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until a line matching {@code p} was printed; fails with the output so far on timeout or exit. */
    public String awaitLine(Predicate<String> p, long timeoutSeconds) throws InterruptedException {
        return awaitLine(0, p, timeoutSeconds);
    }

    /** {@return the number of lines printed so far, to wait for later lines with {@link #awaitLine(int, Predicate, long)}} */
    public int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Like {@link #awaitLine(Predicate, long)}, looking only at lines from index {@code from} on. */
    public String awaitLine(int from, Predicate<String> p, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        int seen = from;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for a line; output so far:\n" + output());
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("JVM exited (" + process.exitValue() + ") before the line came; output:\n"
                            + output());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
        }
    }

    /** Waits for the JVM to exit; {@return its exit code} */
    public int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("JVM did not exit in " + timeoutSeconds + " s; output:\n" + output());
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** {@return everything printed so far} */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** {@return a copy of the lines printed so far} */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
