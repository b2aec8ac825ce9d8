package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;

/**
 * Runs a tracer scenario's main class in a JVM started with {@code -javaagent:} the built agent
 * jar, which carries the tracers (as in a user's JVM: the class path holds only the program, here
 * this module's test classes), and returns the facts it wrote. A missing agent jar fails the
 * test: these tests must never pass by being skipped.
 */
final class ScenarioJvm {
    private ScenarioJvm() {
    }

    /** {@return the facts {@code main} wrote to {@code out/facts.properties}}, after it exited 0 */
    static Properties run(Class<?> main, Path out) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(ForkedJvm.javaBin(), "-javaagent:" + ForkedJvm.agentJar(),
                "-cp", ForkedJvm.testClassPath(), main.getName(), out.toString()));
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.resolve("jvm.log").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the traced JVM did not finish");
        String log = Files.readString(out.resolve("jvm.log"));
        assertEquals(0, p.exitValue(), "traced JVM failed:\n" + log);
        Properties facts = new Properties();
        try (Reader r = Files.newBufferedReader(out.resolve("facts.properties"))) {
            facts.load(r);
        }
        return facts;
    }
}
