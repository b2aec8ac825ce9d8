package org.jftrace.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * The three ways in: {@code -javaagent:jftrace-agent.jar} at start-up ({@link #premain}), attach to
 * a running JVM by pid ({@link #agentmain}, see {@link Attach}), and self-install from a running
 * program ({@link #install()}). All end in the same start: the boot bridge jar is appended to the
 * boot class path (so {@code java.util.HashMap} can reach the hook entry points), then the core is
 * started and its transformer added.
 *
 * <p>This class touches no other jftrace class before the boot bridge is on the boot class path:
 * the core is reached by reflection only after that.
 */
public final class JftraceAgent {
    private static final String BOOT_JAR = "META-INF/jftrace/jftrace-boot.jar";
    private static final String START = "org.jftrace.internal.agent.AgentStart";
    private static final String COMMANDS = "org.jftrace.internal.agent.AgentCommands";
    private static volatile boolean started;
    private static final Object INSTALL_LOCK = new Object();

    private JftraceAgent() {
    }

    /** {@code -javaagent:jftrace-agent.jar[=options]}. */
    public static void premain(String options, Instrumentation inst) {
        start(options, inst);
    }

    /** Attach by pid ({@code java -jar jftrace-agent.jar PID [command ...]}); see {@link Attach}. */
    public static void agentmain(String options, Instrumentation inst) {
        start(null, inst);
        if (started && options != null && !options.isEmpty()) {
            try {
                Class<?> commands = Class.forName(COMMANDS, true, JftraceAgent.class.getClassLoader());
                commands.getMethod("run", String.class, Instrumentation.class).invoke(null, options, inst);
            } catch (ReflectiveOperationException e) {
                System.setProperty(Attach.RESULT_PROPERTY, "error: " + (e.getCause() != null ? e.getCause() : e));
            }
        }
    }

    /**
     * Installs jftrace into this JVM if it is not installed yet: a helper JVM attaches to this
     * process with the agent jar this class came from (self-attach is refused by default since JDK 9).
     * Returns when the agent has started.
     *
     * @throws IllegalStateException if this class is not loaded from the agent jar, or the attach failed
     */
    public static void install() {
        // Not the class monitor: start() holds that on the Attach Listener thread while the helper
        // JVM, which this thread waits for, waits for agentmain to return.
        synchronized (INSTALL_LOCK) {
            installLocked();
        }
    }

    private static void installLocked() {
        if (started) {
            return;
        }
        Path jar = agentJar();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-cp");
        cmd.add(jar.toString());
        cmd.add(Attach.class.getName());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jftrace self-install failed: the helper JVM that attaches "
                        + "to this process said: " + out.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("jftrace self-install could not start " + java + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("jftrace self-install interrupted", e);
        }
        if (!started) {
            throw new IllegalStateException("jftrace self-install: the attach returned but the agent did not start "
                    + "(is the agent jar on this program's class path the same as " + jar + "?)");
        }
    }

    /** {@return whether the agent has started in this JVM} */
    public static boolean isStarted() {
        return started;
    }

    /** {@return the agent jar this class was loaded from} */
    static Path agentJar() {
        try {
            Path p = Path.of(JftraceAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("jftrace is not running from its agent jar (" + p + "): put "
                        + "jftrace-agent.jar on the class path, or start the JVM with -javaagent:jftrace-agent.jar");
            }
            return p;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot find the jftrace agent jar: " + e, e);
        }
    }

    private static synchronized void start(String options, Instrumentation inst) {
        if (started) {
            return;
        }
        try {
            appendBootBridge(inst);
            Class<?> start = Class.forName(START, true, JftraceAgent.class.getClassLoader());
            start.getMethod("start", String.class, Instrumentation.class).invoke(null, options, inst);
            started = true;
        } catch (ReflectiveOperationException | IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("[jftrace] agent failed to start: " + cause);
            cause.printStackTrace();
        }
    }

    private static void appendBootBridge(Instrumentation inst) throws IOException {
        try {
            Class.forName("org.jftrace.internal.boot.Hooks", false, null);
            return; // already on the boot class path (an earlier start, or -Xbootclasspath/a)
        } catch (ClassNotFoundException expected) {
            // append it below
        }
        File tmp = File.createTempFile("jftrace-boot", ".jar");
        tmp.deleteOnExit();
        try (InputStream in = JftraceAgent.class.getClassLoader().getResourceAsStream(BOOT_JAR)) {
            if (in == null) {
                throw new IOException(BOOT_JAR + " is missing from the agent jar: rebuild it with mvn package");
            }
            Files.copy(in, tmp.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(tmp));
    }
}
