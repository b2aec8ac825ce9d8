package org.jftrace.it.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three ways in (SPEC section 2: -javaagent, attach by pid, self-install), each followed by the
 * same check in the target JVM: a PARENT_IP ops on a user method (invokedynamic hook) and on
 * {@code java.util.HashMap.get} (static-call hook) sees exactly the expected calls, each with its real
 * caller (method, bytecode index, source line).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InstallTest {
    private static final String GREET = "org.jftrace.it.install.Greeter.greet";
    private static final String GET = "java.util.HashMap.get";
    private static final String RUN = "org.jftrace.it.install.HookReport.sequence";
    private static final String LOOKUP = "org.jftrace.it.install.Greeter.lookup";
    private static final Pattern EVENT = Pattern.compile("EVENT ([^|]+)\\|([^|]+)\\|(-?\\d+)\\|(-?\\d+)");
    private static final Pattern LINKING = Pattern.compile("EVENT .*\\|linking");

    /** JVM options of a target that the test attaches to: no warning on JDK 21+. */
    static List<String> attachable() {
        List<String> a = new ArrayList<>();
        if (ForkedJvm.jdkVersion() >= 21) {
            a.add("-XX:+EnableDynamicAgentLoading");
        }
        return a;
    }

    @Test
    void premain() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar()), InstallTarget.class,
                "premain")) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            assertTrue(jvm.lines().contains("installed-at-start true"), jvm.output());
            checkReport(jvm, "premain");
        }
    }

    @Test
    void attachByPid(@TempDir Path tmp) throws Exception {
        Path go = tmp.resolve("go");
        try (ForkedJvm jvm = ForkedJvm.start(attachable(), InstallTarget.class, "attach", go.toString())) {
            String ready = jvm.awaitLine(l -> l.startsWith("ready "), 60);
            assertEquals(jvm.pid(), Long.parseLong(ready.substring("ready ".length()).trim()));
            assertTrue(jvm.lines().contains("installed-at-start false"), jvm.output());
            Result r = attach(Long.toString(jvm.pid()));
            assertEquals(0, r.exit, "attach output: " + r.output + "\ntarget output:\n" + jvm.output());
            assertTrue(r.output.contains("JVM " + jvm.pid()), "the tool names the JVM it loaded into: " + r.output);
            assertFalse(r.output.contains("cannot") || r.output.contains("failed"), r.output);
            Files.createFile(go);
            assertEquals(0, jvm.waitFor(120), jvm.output());
            checkReport(jvm, "attach");
        }
    }

    /**
     * Self-install from inside the program. (It once deadlocked: install() held the JftraceAgent
     * class monitor while waiting for the helper JVM, whose attach ran agentmain -> start() on the
     * Attach Listener thread, blocked on that monitor.)
     */
    @Test
    void selfInstall() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(attachable(), InstallTarget.class, "self")) {
            assertEquals(0, jvm.waitFor(180), jvm.output());
            assertTrue(jvm.lines().contains("installed-at-start false"), jvm.output());
            checkReport(jvm, "self");
        }
    }

    /**
     * SPEC section 1 (notrace: the JDK internals jftrace's hook path needs) and the registry's own
     * rule that callbacks are not run from inside jftrace's work: the JVM's linking of jftrace's
     * invokedynamic hook site (at the first call of a newly hooked user method) must not show up as
     * a callback of an ops on a JDK method. (It once did: an extra HashMap.get callback with parentIp
     * UNKNOWN, from MethodHandleImpl.makePairwiseConvertByEditor under
     * MethodHandleNatives.linkCallSite under Greeter.greet's hook site.)
     */
    @Test
    void noCallbackFromHookSiteLinking() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(List.of("-javaagent:" + ForkedJvm.agentJar()), InstallTarget.class,
                "premain")) {
            assertEquals(0, jvm.waitFor(120), jvm.output());
            assertEquals(0, checkReport(jvm, "premain"), "callbacks from the hook site's linking:\n" + jvm.output());
        }
    }

    @Test
    void attachToDeadPidFailsWithExit2() throws Exception {
        Process p = new ProcessBuilder(ForkedJvm.javaBin(), "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        long dead = p.pid();
        // a new process could have taken the pid since (practically never): then this check says nothing
        Assumptions.assumeFalse(ProcessHandle.of(dead).isPresent(), "pid " + dead + " was reused");
        Result r = attach(Long.toString(dead));
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains(Long.toString(dead)), "the message names the pid: " + r.output);
        assertTrue(r.output.toLowerCase(java.util.Locale.ROOT).contains("no such process"), r.output);
        assertFalse(r.output.contains("Exception in thread"), r.output);
    }

    @Test
    void attachUsageErrorIsExit1() throws Exception {
        Result r = attach("not-a-pid");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("usage"), r.output);
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code java -jar jftrace-agent.jar args...}. */
    static Result attach(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ForkedJvm.javaBin(), "-jar", ForkedJvm.agentJar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("attach did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    /**
     * The target's report: exactly the expected callbacks, in order, each with its real caller.
     * Callbacks run from inside the JVM's linking of jftrace's own hook call site are set aside
     * (see {@link #noCallbackFromHookSiteLinking}). {@return the number of those}
     */
    static int checkReport(ForkedJvm jvm, String how) {
        String out = jvm.output();
        assertTrue(jvm.lines().contains("installed true started true"), out);
        assertTrue(jvm.lines().contains("DONE"), out);
        assertFalse(out.contains("[jftrace] warning"), out);
        assertFalse(out.contains("Exception"), out);
        assertFalse(out.contains("WARNING"), out);
        Matcher sm = Pattern.compile("SUMMARY how=(\\w+) during=(\\d+) after=(\\d+) overflow=(\\d+) errors=(\\d+) "
                + "enabledAfter=(\\d+) registered=(\\w+)").matcher(line(jvm, "SUMMARY "));
        assertTrue(sm.matches(), out);
        assertEquals(how, sm.group(1), out);
        assertEquals("0", sm.group(3), "callbacks after unregister\n" + out);
        assertEquals("0", sm.group(4), out);
        assertEquals("0", sm.group(5), "callback errors\n" + out);
        assertEquals("0", sm.group(6), "enabled_functions after unregister\n" + out);
        assertEquals("false", sm.group(7), out);
        assertEquals("ENABLED 2", line(jvm, "ENABLED "), out);
        Matcher lm = Pattern.compile("LINES greet=(\\d+) get=(\\d+) lookup=(\\d+)").matcher(line(jvm, "LINES "));
        assertTrue(lm.matches(), out);
        int greetLine = Integer.parseInt(lm.group(1));
        int getLine = Integer.parseInt(lm.group(2));
        int lookupLine = Integer.parseInt(lm.group(3));

        List<String[]> events = new ArrayList<>();
        int linking = 0;
        for (String l : jvm.lines()) {
            Matcher m = EVENT.matcher(l);
            if (m.matches()) {
                events.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
            } else if (LINKING.matcher(l).matches()) {
                linking++;
            } else {
                assertFalse(l.startsWith("EVENT"), "event with an unknown or unresolvable parent: " + l + "\n" + out);
            }
        }
        assertEquals(Integer.parseInt(sm.group(2)), events.size() + linking, out);
        String[][] want = {
            {GREET, RUN, String.valueOf(greetLine)},
            {GREET, RUN, String.valueOf(greetLine)},
            {GREET, RUN, String.valueOf(greetLine)},
            {GET, RUN, String.valueOf(getLine)},
            {GET, RUN, String.valueOf(getLine)},
            {GET, LOOKUP, String.valueOf(lookupLine)},
        };
        assertEquals(want.length, events.size(), out);
        for (int i = 0; i < want.length; i++) {
            String[] e = events.get(i);
            assertEquals(want[i][0], e[0], "event " + i + " ip name\n" + out);
            assertEquals(want[i][1], e[1], "event " + i + " parent method\n" + out);
            assertEquals(want[i][2], e[3], "event " + i + " parent source line\n" + out);
            assertTrue(Integer.parseInt(e[2]) > 0, "event " + i + " parent bci must be a call site\n" + out);
        }
        // the same call site gives the same parent ip
        assertEquals(events.get(0)[2], events.get(2)[2], out);
        assertEquals(events.get(3)[2], events.get(4)[2], out);
        // the greet call site and the get call site are different bytecode indexes
        assertFalse(events.get(0)[2].equals(events.get(3)[2]), out);
        return linking;
    }

    private static String line(ForkedJvm jvm, String prefix) {
        for (String l : jvm.lines()) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in:\n" + jvm.output());
    }
}
