package org.jftrace.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.ProtectionDomain;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The three ways in: {@code -javaagent:jftrace-agent.jar} at start-up ({@link #premain}), attach to
 * a running JVM by pid ({@link #agentmain}, see {@link Attach}), and self-install from a running
 * program ({@link #install()}). All end in the same start: the boot bridge classes are defined in
 * the boot loader (so {@code java.util.HashMap} can reach the hook entry points), then the core is
 * started and its transformer added.
 *
 * <p>This class touches no other jftrace class before the boot bridge is in the boot loader:
 * the core is reached by reflection only after that.
 */
public final class JftraceAgent {
    private static final String BOOT_JAR = "META-INF/jftrace/jftrace-boot.jar";
    private static final String START = "org.jftrace.internal.agent.AgentStart";
    private static final String COMMANDS = "org.jftrace.internal.agent.AgentCommands";
    private static final String OPTIONS = "org.jftrace.internal.agent.TraceOptions";
    private static final String STARTUP = "org.jftrace.internal.agent.StartupTrace";
    static volatile boolean started;
    private static final Object INSTALL_LOCK = new Object();

    private JftraceAgent() {
    }

    /**
     * {@code -javaagent:jftrace-agent.jar[=options]}. Without options jftrace starts and waits for
     * the program's calls; with them (start-up tracing: {@code tracer=function_graph,filter=GLOB,
     * ...,output=FILE}) the tracer starts too, before the program's main class loads. A bad option
     * stops the JVM here, with status 1 and one line naming it: the program asked for a trace it
     * would not get.
     */
    public static void premain(String options, Instrumentation inst) {
        boolean tracing = options != null && !options.isEmpty();
        if (tracing) {
            // before jftrace starts: a typo costs no start-up, and prints nothing but its line
            refuse(callStartup(OPTIONS, "check", options), options);
        }
        Throwable failure = start(null, inst);
        if (failure != null) {
            warnStartFailure(failure, true);
        } else if (tracing) {
            refuse(callStartup(STARTUP, "start", options), options);
        }
    }

    /** {@return what static method {@code cls.method(options)} returned: null, or why it refused} */
    private static String callStartup(String cls, String method, String options) {
        try {
            return (String) Class.forName(cls, true, JftraceAgent.class.getClassLoader())
                    .getMethod(method, String.class).invoke(null, options);
        } catch (InvocationTargetException e) {
            return String.valueOf(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return String.valueOf(e);
        }
    }

    /** Ends the JVM (status 1, before main) when {@code why} is not null. */
    private static void refuse(String why, String options) {
        if (why != null) {
            System.err.println("[jftrace] -javaagent:jftrace-agent.jar=" + options + ": " + why
                    + " (the JVM exits with status 1; the program did not run)");
            System.exit(1);
        }
    }

    /**
     * Attach by pid ({@code java -jar jftrace-agent.jar PID [command ...]}); see {@link Attach}.
     * {@code options}, when given, is the path of the attaching command's request directory: this
     * reads the command there, runs it, and writes the answer (or why jftrace failed to start) into
     * the directory's result file. Nothing is printed here but real warnings: a failure to start
     * (one line; its reason goes to the command) and a request that cannot be read or answered.
     */
    public static void agentmain(String options, Instrumentation inst) {
        if (options == null || options.isEmpty()) {
            Throwable failure = start(null, inst);
            if (failure != null) {
                warnStartFailure(failure, true);
            }
            return;
        }
        AttachRequests.answer(options, inst);
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

    /** {@return null once the agent has started (now or before), else why it failed} */
    static synchronized Throwable start(String options, Instrumentation inst) {
        if (started) {
            return null;
        }
        try {
            appendBootBridge(inst);
            Class<?> start = Class.forName(START, true, JftraceAgent.class.getClassLoader());
            start.getMethod("start", String.class, Instrumentation.class).invoke(null, options, inst);
            started = true;
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            return e;
        }
    }

    /**
     * The one line a failed start prints on the JVM's standard error; the stack trace too when no
     * attaching command gets the reason, or with {@code -Djftrace.log=stack}.
     */
    static void warnStartFailure(Throwable cause, boolean withStack) {
        System.err.println("[jftrace] agent failed to start: " + cause);
        if (withStack || System.getProperty("jftrace.log", "").contains("stack")) {
            cause.printStackTrace();
        }
    }

    /**
     * Puts the boot bridge (the hook entry points that JDK classes call) into the boot loader.
     * Defined there straight from the bytes: appending a jar to the boot class path makes HotSpot
     * print "Sharing is only supported for boot loader classes because bootstrap classpath has been
     * appended" into the program's output, and writes a file. The jar is the fallback, for a JVM
     * whose class loader lacks the native method used here, or with {@code -Djftrace.bootBridge=jar}.
     */
    private static void appendBootBridge(Instrumentation inst) throws IOException {
        try {
            Class.forName("org.jftrace.internal.boot.Hooks", false, null);
            return; // already in the boot loader (an earlier start, or -Xbootclasspath/a)
        } catch (ClassNotFoundException expected) {
            // define it below
        }
        byte[] bytes;
        try (InputStream in = JftraceAgent.class.getClassLoader().getResourceAsStream(BOOT_JAR)) {
            if (in == null) {
                throw new IOException(BOOT_JAR + " is missing from the agent jar: rebuild it with mvn package");
            }
            bytes = in.readAllBytes();
        }
        if (!"jar".equals(System.getProperty("jftrace.bootBridge")) && defineInBootLoader(inst, bytes)) {
            return;
        }
        appendBootJar(inst, bytes);
    }

    /**
     * Defines the classes of boot jar {@code jar} in the boot loader through
     * {@code ClassLoader.defineClass1(null, ...)}, which needs {@code java.lang} open to jftrace
     * (the core opens it anyway). A class whose supertype is not defined yet is tried again after
     * the others. {@return false if this JVM offers no such method (nothing was defined then)}
     */
    private static boolean defineInBootLoader(Instrumentation inst, byte[] jar) throws IOException {
        MethodHandle define;
        try {
            Module self = JftraceAgent.class.getModule();
            inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(), Map.of("java.lang", Set.of(self)),
                    Set.of(), Map.of());
            define = MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup()).findStatic(
                    ClassLoader.class, "defineClass1", MethodType.methodType(Class.class, ClassLoader.class,
                            String.class, byte[].class, int.class, int.class, ProtectionDomain.class, String.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.endsWith("package-info.class")) {
                    classes.put(n.substring(0, n.length() - 6).replace('/', '.'), in.readAllBytes());
                }
            }
        }
        while (!classes.isEmpty()) {
            int before = classes.size();
            Throwable last = null;
            for (Iterator<Map.Entry<String, byte[]>> it = classes.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, byte[]> c = it.next();
                try {
                    Class<?> k = (Class<?>) define.invoke((ClassLoader) null, c.getKey(), c.getValue(), 0,
                            c.getValue().length, (ProtectionDomain) null, (String) null);
                    if (k.getClassLoader() != null) {
                        throw new IOException("the boot bridge class " + c.getKey() + " was not defined in the boot loader");
                    }
                    it.remove();
                } catch (NoClassDefFoundError supertypeNotYet) {
                    last = supertypeNotYet;
                } catch (IOException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IOException("cannot define the boot bridge class " + c.getKey() + ": " + t, t);
                }
            }
            if (classes.size() == before) {
                throw new IOException("cannot define the boot bridge classes " + classes.keySet() + ": " + last, last);
            }
        }
        return true;
    }

    /**
     * The fallback: appends the boot bridge jar to the boot class path. Its jar is written once per
     * user and content (java.io.tmpdir/jftrace-USER/jftrace-boot-HASH.jar, in a directory of that
     * user only) and reused by every JVM that starts the same jftrace: nothing is left behind per
     * process, even when a JVM is killed, and nothing is deleted that another JVM may be using.
     */
    private static void appendBootJar(Instrumentation inst, byte[] bytes) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path jar;
        try {
            jar = bootJar(tmp, bytes);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot write the boot bridge jar under java.io.tmpdir (" + tmp + "): " + e, e);
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            inst.appendToBootstrapClassLoaderSearch(f); // takes the name only
        }
    }

    /** {@return the boot bridge jar with content {@code bytes}}, written if it is not there yet */
    private static Path bootJar(Path tmp, byte[] bytes) throws IOException {
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        Path dir = userDirectory(tmp);
        if (dir == null) {
            // a directory of that name that is not this user's alone: never trust it, write a private copy
            Path own = Files.createTempFile(tmp, "jftrace-boot", ".jar");
            own.toFile().deleteOnExit();
            Files.write(own, bytes);
            return own;
        }
        Path jar = dir.resolve("jftrace-boot-" + hash + ".jar");
        if (Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS) && Files.size(jar) == bytes.length
                && Arrays.equals(Files.readAllBytes(jar), bytes)) {
            return jar;
        }
        Path part = Files.createTempFile(dir, "jftrace-boot-", ".part");
        try {
            Files.write(part, bytes);
            // Atomic: a JVM starting at the same time sees the whole jar or none; an existing one had other bytes.
            Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return jar;
    }

    /**
     * {@return java.io.tmpdir/jftrace-USER, made if missing}, or null (with a warning) when it exists
     * but is not a directory that this user owns and no one else may write to.
     */
    private static Path userDirectory(Path tmp) throws IOException {
        String user = System.getProperty("user.name", "");
        Path dir = tmp.resolve("jftrace-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir); // a per-user temporary directory (Windows)
            return dir;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return dir;
        } catch (FileAlreadyExistsException e) {
            // check it below
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = a.permissions();
        if (a.isDirectory() && isThisUser(a.owner(), user) && !perms.contains(PosixFilePermission.GROUP_WRITE)
                && !perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            return dir;
        }
        System.err.println("[jftrace] warning: not using " + dir + " (owner " + a.owner() + ", "
                + PosixFilePermissions.toString(perms) + (a.isDirectory() ? "" : ", not a directory")
                + "): it should be a directory of user " + user + " alone; the boot bridge jar goes to a file "
                + "of this process instead");
        return null;
    }

    /**
     * {@return whether {@code owner} is the user this JVM runs as}: by name, or (a uid without a
     * name, as in some containers, where user.name is "?") as the owner of /proc/self on Linux.
     */
    private static boolean isThisUser(UserPrincipal owner, String user) {
        try {
            if (owner.equals(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user))) {
                return true;
            }
        } catch (IOException | RuntimeException unknownUser) {
            // try /proc below
        }
        try {
            Path self = Path.of("/proc/self");
            return Files.isDirectory(self) && owner.equals(Files.getOwner(self));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
