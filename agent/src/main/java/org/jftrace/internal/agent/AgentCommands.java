package org.jftrace.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.Arrays;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.LivePatch;
import org.jftrace.tracers.fs.TracefsException;

/**
 * Commands that {@code jftrace ... -p PID} and {@code java -jar jftrace-agent.jar PID COMMAND ...}
 * run inside the target JVM,
 * called by {@link org.jftrace.agent.JftraceAgent#agentmain} with the words of the request it read;
 * the answer ({@code ok: ...} or {@code error: ...}) goes back to the attaching command in the
 * request's result file, which only that command and this JVM's user can read. Lists go one item
 * per line, however many (a result file has no size limit the attach protocol would impose).
 */
public final class AgentCommands {
    private static final String NAME_FORM = "binary.class.Name.method[(params)]";
    /** Replacement classes loaded from a patch's jar: name to the jar and the digest of the class file. */
    private static final Map<String, Loaded> LOADED = new HashMap<>();
    /** Jars appended to the system class path by patch commands (real paths). */
    private static final Set<Path> APPENDED = new HashSet<>();

    private AgentCommands() {
    }

    private static final class Loaded {
        final Path jar;
        final String digest;

        Loaded(Path jar, String digest) {
            this.jar = jar;
            this.digest = digest;
        }
    }

    /** {@return {@code ok: ...} or {@code error: ...}} for the command {@code words}. */
    public static String run(String[] words, Instrumentation inst) {
        // runs as jftrace's own work: the agent's AttachRequests holds the recursion guard around it
        try {
            return "ok: " + execute(words, inst);
        } catch (FtraceException | IllegalArgumentException | TracefsException e) {
            return "error: " + e.getMessage();
        } catch (RuntimeException | IOException e) {
            return "error: " + e;
        }
    }

    private static String execute(String[] w, Instrumentation inst) throws IOException {
        switch (w[0]) {
            case "patch":
                if (w.length < 3 || w.length > 4) {
                    throw new IllegalArgumentException("usage: patch TARGET REPLACEMENT [JAR]");
                }
                methodClass("TARGET", w[1]);
                String cls = methodClass("REPLACEMENT", w[2]);
                if (w.length == 4) {
                    loadReplacement(cls, w[3], inst);
                }
                LivePatch p = LivePatch.replace(w[1], w[2]);
                return "patched " + p;
            case "unpatch":
                if (w.length != 2) {
                    throw new IllegalArgumentException("usage: unpatch TARGET");
                }
                methodClass("TARGET", w[1]);
                return LivePatch.undo(w[1]) ? "unpatched " + w[1] : "no patch on " + w[1];
            case "patches":
                return lines(LivePatch.active());
            case "list":
                return ControlCommands.availableFilterFunctions(w.length > 1 ? w[1] : null);
            case "enabled":
                return lines(Ftrace.enabledFunctions());
            case "reset":
                return ControlCommands.reset();
            case "install":
                return "installed";
            case "record-start":
                return Recording.start(Arrays.copyOfRange(w, 1, w.length));
            case "record-stop":
                if (w.length != 2) {
                    throw new IllegalArgumentException("usage: record-stop ID");
                }
                return Recording.stop(w[1]);
            case "cat":
                if (w.length != 2) {
                    throw new IllegalArgumentException("usage: cat FILE");
                }
                return TracefsCommands.cat(w[1]);
            case "echo":
            case "append":
                if (w.length != 3) {
                    throw new IllegalArgumentException("usage: " + w[0] + " FILE VALUE");
                }
                return TracefsCommands.echo(w[1], w[2], w[0].equals("append"));
            case "stream-open":
                return StreamSession.open(w);
            default:
                throw new IllegalArgumentException("unknown command '" + w[0] + "': use install, patch, unpatch, "
                        + "patches, list, enabled, reset, record-start, record-stop, cat, echo, append, stream-open");
        }
    }

    /** {@return one item per line} (no trailing newline; empty for none) */
    static String lines(List<?> items) {
        StringBuilder sb = new StringBuilder();
        for (Object o : items) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(o);
        }
        return sb.toString();
    }

    /**
     * Loads class {@code cls} from {@code jarName}, appended to the system class path so that its
     * classes load like the program's. A JVM cannot load a second class of one name in one loader:
     * if a class of that name is already loaded and its class file differs from the jar's (a new
     * version of the fix, in a new jar or rebuilt in place), the patch is refused, never run with the
     * old code in silence.
     */
    private static synchronized void loadReplacement(String cls, String jarName, Instrumentation inst)
            throws IOException {
        if (jarName.isEmpty()) {
            throw new IllegalArgumentException("JAR is empty");
        }
        Path jar = Path.of(jarName).toRealPath();
        String entryName = cls.replace('.', '/') + ".class";
        String digest;
        try (JarFile f = new JarFile(jar.toFile())) {
            JarEntry entry = f.getJarEntry(entryName);
            if (entry == null) {
                throw new IllegalArgumentException("replacement class " + cls + " is not in " + jar);
            }
            try (InputStream in = f.getInputStream(entry)) {
                digest = digest(in.readAllBytes());
            }
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        Class<?> loaded = loadedBy(inst, system, cls);
        if (loaded != null) {
            Loaded before = LOADED.get(cls);
            if (before != null ? !before.digest.equals(digest) : !jar.equals(location(loaded))) {
                Object from = before != null ? before.jar : location(loaded);
                throw new IllegalArgumentException("replacement class " + cls + " is already loaded in this JVM (from "
                        + (from != null ? from : "the program") + ") and " + jar + " holds another version of it; a "
                        + "class loader loads a class once, so the new code would never run: refused. Give the new "
                        + "version a class name of its own (e.g. " + cls + "2)");
            }
            return;
        }
        if (APPENDED.add(jar)) {
            try (JarFile f = new JarFile(jar.toFile())) {
                inst.appendToSystemClassLoaderSearch(f); // takes the name only
            }
        }
        Class<?> k;
        try {
            k = Class.forName(cls, true, system);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("replacement class " + cls + " is not found through the system class "
                    + "loader after adding " + jar + " to the class path");
        } catch (LinkageError e) {
            throw new IllegalArgumentException("replacement class " + cls + " from " + jar + " cannot be loaded: " + e);
        }
        Path from = location(k);
        if (!jar.equals(from)) {
            throw new IllegalArgumentException("replacement class " + cls + " was loaded from " + (from != null ? from
                    : "the program") + ", which comes before " + jar + " on the class path: give the replacement a "
                    + "class name of its own");
        }
        LOADED.put(cls, new Loaded(jar, digest));
    }

    /** {@return the class named {@code cls} that {@code loader} has loaded, or null} */
    private static Class<?> loadedBy(Instrumentation inst, ClassLoader loader, String cls) {
        for (Class<?> c : inst.getInitiatedClasses(loader)) {
            if (c.getName().equals(cls)) {
                return c;
            }
        }
        return null;
    }

    /** {@return the real path of the jar or directory class {@code k} came from, or null} */
    private static Path location(Class<?> k) {
        CodeSource cs = k.getProtectionDomain().getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        if (url == null) {
            return null;
        }
        try {
            Path p = Path.of(url.toURI());
            return Files.exists(p) ? p.toRealPath() : p;
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static String digest(byte[] bytes) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the class part of method name {@code name}}, or IllegalArgumentException. */
    private static String methodClass(String what, String name) {
        String n = name.trim();
        if (n.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty; give it as " + NAME_FORM);
        }
        int paren = n.indexOf('(');
        String fname = paren < 0 ? n : n.substring(0, paren);
        int dot = fname.lastIndexOf('.');
        if (dot <= 0 || dot == fname.length() - 1) {
            throw new IllegalArgumentException(what + " \"" + name + "\" is not " + NAME_FORM);
        }
        return fname.substring(0, dot);
    }
}
