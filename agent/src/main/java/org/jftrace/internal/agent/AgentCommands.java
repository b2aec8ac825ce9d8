package org.jftrace.internal.agent;

import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

import org.jftrace.FtraceException;
import org.jftrace.LivePatch;

/**
 * Commands that {@code java -jar jftrace-agent.jar PID COMMAND ...} runs inside the target JVM.
 * The options string is the command and its arguments separated by {@link #SEP}; the outcome goes
 * to the system property {@code jftrace.attach.result} ({@code ok: ...} or {@code error: ...}),
 * which the attaching side reads back.
 */
public final class AgentCommands {
    /** Separates the words of a command in the agent options (not a character of Java names or paths we take). */
    public static final String SEP = "\u001f";
    static final String RESULT = "jftrace.attach.result";

    private AgentCommands() {
    }

    public static void run(String options, Instrumentation inst) {
        String[] w = options.split(SEP, -1);
        String result;
        try {
            result = "ok: " + execute(w, inst);
        } catch (FtraceException e) {
            result = "error: " + e.getMessage();
        } catch (RuntimeException | java.io.IOException e) {
            result = "error: " + e;
        }
        System.setProperty(RESULT, result);
    }

    private static String execute(String[] w, Instrumentation inst) throws java.io.IOException {
        switch (w[0]) {
            case "patch":
                if (w.length < 3 || w.length > 4) {
                    throw new IllegalArgumentException("usage: patch TARGET REPLACEMENT [JAR]");
                }
                if (w.length == 4 && !w[3].isEmpty()) {
                    // The replacement's jar joins the system class path, so its classes load like the program's.
                    inst.appendToSystemClassLoaderSearch(new JarFile(w[3]));
                    Class<?> k;
                    String cls = w[2].substring(0, w[2].lastIndexOf('.', nameEnd(w[2])));
                    try {
                        k = Class.forName(cls, true, ClassLoader.getSystemClassLoader());
                    } catch (ClassNotFoundException e) {
                        throw new IllegalArgumentException("replacement class " + cls + " is not in " + w[3]);
                    }
                    k.getName();
                }
                LivePatch p = LivePatch.replace(w[1], w[2]);
                return "patched " + p;
            case "unpatch":
                if (w.length != 2) {
                    throw new IllegalArgumentException("usage: unpatch TARGET");
                }
                return LivePatch.undo(w[1]) ? "unpatched " + w[1] : "no patch on " + w[1];
            case "patches":
                return LivePatch.active().toString();
            case "install":
                return "installed";
            default:
                throw new IllegalArgumentException("unknown command '" + w[0] + "': use install, patch, unpatch, patches");
        }
    }

    /** {@return the end of the method name part of {@code name} (before a parameter list)} */
    private static int nameEnd(String name) {
        int paren = name.indexOf('(');
        return paren < 0 ? name.length() : paren;
    }
}
