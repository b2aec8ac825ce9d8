package org.jftrace.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The attaching half of the agent's request-directory channel, taken from the agent jar that goes
 * into the target ({@code org.jftrace.internal.agent.AttachClient}, loaded here in a class loader
 * of its own): the request format is then always the one that agent reads, and this jar carries no
 * second copy of it. The boundary is JDK types only: each call returns {@code {exit code, text}}.
 */
final class AgentChannel {
    private static final String CLIENT = "org.jftrace.internal.agent.AttachClient";

    final Path agentJar;
    private final Method check;
    private final Method checkTarget;
    private final Method call;

    private AgentChannel(Path agentJar, Method check, Method checkTarget, Method call) {
        this.agentJar = agentJar;
        this.check = check;
        this.checkTarget = checkTarget;
        this.call = call;
    }

    /** {@return the channel of agent jar {@code agentJar}} */
    static AgentChannel of(Path agentJar) throws CliFailure {
        try {
            // parent: the platform loader (and jdk.attach through it), not this jar's class path
            ClassLoader loader = new URLClassLoader(new URL[] {agentJar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> client = Class.forName(CLIENT, true, loader);
            return new AgentChannel(agentJar, client.getMethod("check", String[].class),
                    client.getMethod("checkTarget", long.class),
                    client.getMethod("call", String[].class, long.class, Path.class));
        } catch (MalformedURLException | ReflectiveOperationException | LinkageError e) {
            throw new CliFailure(Jftrace.EXIT_USAGE, "the agent jar " + agentJar + " is not one this jftrace command "
                    + "can drive (" + e + "): use the jftrace-agent.jar of the same build");
        }
    }

    /** Checks command {@code words} as the agent will, before any attach (exit 1 if malformed). */
    void check(String[] words) throws CliFailure {
        fail(invoke(check, (Object) words));
    }

    /** Checks from /proc that {@code pid} is a JVM of this user (exit 2 if not), without attaching. */
    void checkTarget(long pid) throws CliFailure {
        fail(invoke(checkTarget, pid));
    }

    /** {@return the output of command {@code words} run in JVM {@code pid}} */
    String call(long pid, String... words) throws CliFailure {
        String[] r = invoke(call, words, pid, agentJar);
        fail(r);
        return r[1];
    }

    private static void fail(String[] r) throws CliFailure {
        if (r != null && !r[0].equals("0")) {
            throw new CliFailure(Integer.parseInt(r[0]), r[1]);
        }
    }

    private static String[] invoke(Method m, Object... args) throws CliFailure {
        try {
            return (String[]) m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw new CliFailure(Jftrace.EXIT_FAILED, "jftrace's attach client failed: " + e.getCause());
        } catch (IllegalAccessException e) {
            throw new CliFailure(Jftrace.EXIT_FAILED, "jftrace's attach client cannot be called: " + e);
        }
    }
}
