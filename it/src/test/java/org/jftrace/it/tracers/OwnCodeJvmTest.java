package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jftrace.it.ForkedJvm;

/**
 * No tracer hooks the tracers' own code, even where jftrace could: with the tracers loaded from the
 * class path (copied out of the agent's jar into a directory of their own, as a program that
 * depends on the tracers has them) and a filter that names their package, each tracer hooks the
 * workload and none of its own methods, whose hooks would cost every event without ever recording
 * one. {@link OwnCodeScenarios} runs in the forked JVM.
 */
class OwnCodeJvmTest {
    @TempDir
    static Path dir;
    static Properties facts = new Properties();

    @BeforeAll
    static void runTheScenarios() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("tracers-classes"));
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toString())) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (!e.isDirectory() && e.getName().startsWith("org/jftrace/tracers/")) {
                    Path to = classes.resolve(e.getName());
                    Files.createDirectories(to.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, to);
                    }
                }
            }
        }
        Path out = Files.createDirectories(dir.resolve("out"));
        ProcessBuilder pb = new ProcessBuilder(List.of(ForkedJvm.javaBin(), "-javaagent:" + ForkedJvm.agentJar(),
                "-cp", classes + java.io.File.pathSeparator + ForkedJvm.testClassPath(),
                OwnCodeScenarios.class.getName(), out.toString()));
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.resolve("jvm.log").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the traced JVM did not finish");
        assertEquals(0, p.exitValue(), "traced JVM failed:\n" + Files.readString(out.resolve("jvm.log")));
        try (Reader r = Files.newBufferedReader(out.resolve("facts.properties"))) {
            facts.load(r);
        }
    }

    @Test
    void theTracersCameFromTheClassPathNotTheAgentJar() {
        String from = facts.getProperty("tracersFrom");
        assertTrue(from.contains("tracers-classes"), "the premise: tracers loaded from the copied classes, not " + from);
    }

    @Test
    void noTracerHooksItsOwnCode() {
        for (String t : List.of("function", "nearest", "graph", "profile")) {
            assertEquals("0", facts.getProperty(t + ".own"), t + " hooked its own code, e.g. "
                    + facts.getProperty(t + ".ownExample"));
            assertTrue(Integer.parseInt(facts.getProperty(t + ".workload")) >= 2, t + ": Workload's methods hooked: "
                    + facts.getProperty(t + ".workload"));
        }
    }

    @Test
    void eachTracerStillRecordsTheWorkload() {
        int calls = OwnCodeScenarios.CALLS + 1; // run and CALLS x step
        assertTrue(Long.parseLong(facts.getProperty("function.written")) >= calls, facts.toString());
        assertTrue(Long.parseLong(facts.getProperty("nearest.written")) >= calls, facts.toString());
        assertTrue(Long.parseLong(facts.getProperty("graph.written")) >= 2L * calls, facts.toString());
        assertTrue(Long.parseLong(facts.getProperty("profile.hits")) >= calls, facts.toString());
    }
}
