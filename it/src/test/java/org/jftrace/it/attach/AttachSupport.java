package org.jftrace.it.attach;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;

/** Targets and {@code java -jar jftrace-agent.jar PID ...} runs for the attach tests. */
final class AttachSupport {
    static final String CDS_WARNING = "Sharing is only supported for boot loader classes";

    private AttachSupport() {
    }

    /** JVM options of a target: no dynamic-agent warning on JDK 21+. */
    static List<String> attachable(String... more) {
        List<String> a = new ArrayList<>();
        if (ForkedJvm.jdkVersion() >= 21) {
            a.add("-XX:+EnableDynamicAgentLoading");
        }
        a.addAll(List.of(more));
        return a;
    }

    static ForkedJvm target(List<String> jvm, String... args) throws Exception {
        ForkedJvm t = ForkedJvm.start(jvm, AttachTarget.class, args);
        t.awaitLine(l -> l.startsWith("g=hello"), 60);
        return t;
    }

    static final class Cmd {
        final int exit;
        final String output;
        final long millis;

        Cmd(int exit, String output, long millis) {
            this.exit = exit;
            this.output = output;
            this.millis = millis;
        }
    }

    /**
     * Like {@link #raw}, without the JDK's CDS warning line (which the command printed before), so
     * that each test looks at its own subject; {@code AttachCommandTest.theCommandPrintsOnlyItsAnswer}
     * looks at the raw output.
     */
    static Cmd attach(long pid, String... command) throws Exception {
        return attach(List.of(), pid, command);
    }

    static Cmd attach(List<String> jvm, long pid, String... command) throws Exception {
        Cmd r = raw(jvm, pid, command);
        String out = r.output.replaceAll("OpenJDK 64-Bit Server VM warning: " + CDS_WARNING + "[^\\n]*\\n?", "");
        return new Cmd(r.exit, out, r.millis);
    }

    /** Runs {@code java [jvm] -jar jftrace-agent.jar PID command...}; {@return exit code, output (both streams), time} */
    static Cmd raw(List<String> jvm, long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ForkedJvm.javaBin());
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(ForkedJvm.agentJar().toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the command did not finish: " + out);
        }
        return new Cmd(p.exitValue(), out, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
