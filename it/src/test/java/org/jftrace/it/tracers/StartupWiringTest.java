package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up tracing with {@code trigger=}, {@code threads=} and {@code options=function-fork},
 * {@code clock=} and {@code parents=}: a real JVM started with the options, its trace file
 * checked; a bad value stops the JVM before main with one line naming the option.
 */
class StartupWiringTest {
    private static final String P = StartupThreadsProgram.class.getName() + ".";
    private static final String S = StartupProgram.class.getName() + ".";

    @TempDir
    Path tmp;

    private List<String> trace(String options, Class<?> main) throws Exception {
        Path out = tmp.resolve("t" + System.nanoTime() + ".trace");
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar() + "=" + options + ",output=" + out),
                main)) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            assertTrue(jvm.output().contains(" ran: "), jvm.output());
        }
        return Files.readAllLines(out);
    }

    private static List<String> events(List<String> text, String prefix) {
        return text.stream().filter(l -> !l.startsWith("#") && l.contains(": " + prefix)).collect(Collectors.toList());
    }

    @Test
    void threadsWithFunctionForkClockParentsAndAStacktrace() throws Exception {
        List<String> t = trace("tracer=function,filter=" + P + "outer;" + P + "inner,threads=main,options=function-fork,"
                + "clock=counter,parents=nearest,trigger=" + P + "inner:stacktrace:1", StartupThreadsProgram.class);
        String all = String.join("\n", t);
        assertTrue(t.get(0).contains(" options=tracer=function,filter=" + P + "outer;" + P + "inner,options=function-fork,"
                + "trigger=" + P + "inner:stacktrace:1,threads=main,clock=counter,parents=nearest"), t.get(0));
        assertTrue(t.stream().anyMatch(l -> l.startsWith("# trace_clock: counter ")), all);
        List<String> e = events(t, P);
        assertEquals(6, e.size(), all);
        assertEquals(3, e.stream().filter(l -> l.contains(" child-")).count(), "the child, by function-fork: " + all);
        assertEquals(3, e.stream().filter(l -> l.matches("^ *main-[0-9]+ .*")).count(), all);
        assertEquals(4, e.stream().filter(l -> l.endsWith(": " + P + "inner <-~" + P + "outer")).count(), all);
        assertEquals(1, t.stream().filter(l -> l.endsWith("<stack trace>")).count(), all);
        assertTrue(t.contains(" => " + P + "main"), all);

        List<String> noFork = trace("tracer=function,filter=" + P + "outer;" + P + "inner,pid=main",
                StartupThreadsProgram.class);
        assertEquals(3, events(noFork, P).size(), String.join("\n", noFork));
        assertTrue(events(noFork, P).stream().allMatch(l -> l.matches("^ *main-[0-9]+ .*")), String.join("\n", noFork));
    }

    @Test
    void aTraceoffAndASnapshotTrigger() throws Exception {
        List<String> t = trace("tracer=function,filter=" + S + "*,trigger=" + S + "outer:traceoff:1;" + S
                + "inner:snapshot:1", StartupProgram.class);
        String all = String.join("\n", t);
        int snap = t.indexOf("# snapshot (what the snapshot trigger copied aside):");
        assertTrue(snap > 0, all);
        List<String> trace = events(t.subList(0, snap), S);
        List<String> copy = events(t.subList(snap, t.size()), S);
        // main, and outer if its event came before the trigger's: then off, so no inner
        assertTrue(trace.stream().anyMatch(l -> l.endsWith(": " + S + "main <-?")), all);
        assertTrue(trace.size() <= 2 && trace.stream().noneMatch(l -> l.contains(S + "inner")), all);
        assertEquals(trace, copy, "the copy at the first inner holds what the trace held then: " + all);
    }

    @Test
    void aBadValueStopsTheJvmBeforeMain() throws Exception {
        String[][] cases = {
            {"tracer=function,clock=global", "option clock: EINVAL: unknown trace_clock 'global'"},
            {"tracer=function_graph,parents=nearest", "option parents: only the function tracer records parents"},
            {"tracer=function,trigger=" + S + "main:traceof", "option trigger: EINVAL: trigger '" + S
                + "main:traceof': unknown trigger command 'traceof'"},
            {"tracer=function,threads=pool-[1", "option threads: EINVAL: thread name glob 'pool-[1'"},
            {"tracer=function,options=function-fork", "option options: function-fork also traces the threads"},
        };
        for (String[] c : cases) {
            try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar() + "=" + c[0]),
                    StartupProgram.class)) {
                assertEquals(1, jvm.waitFor(120), jvm.output());
                String line = jvm.lines().stream().filter(l -> l.startsWith("[jftrace]")).findFirst().orElse(jvm.output());
                assertTrue(line.startsWith("[jftrace] -javaagent:jftrace-agent.jar=" + c[0] + ": " + c[1]), line);
                assertFalse(jvm.output().contains("main ran"), jvm.output());
            }
        }
    }
}
