package org.jftrace.internal.functions;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.internal.bytecode.ClassScanner;
import org.jftrace.internal.bytecode.ClassScanner.ScannedClass;
import org.jftrace.internal.bytecode.ClassScanner.ScannedMethod;
import org.jftrace.internal.log.Log;

/**
 * Fills the function table from loaded classes: reads their class files, scans them, adds records.
 *
 * <p>Two steps, because reading a class file runs the class loader's and the JDK's zip code, which
 * hold their own locks, and reading under the ops list's lock deadlocked against a thread that
 * loaded a class while holding one of those (its transform then waits for our lock): seen with the
 * JDK's Common-Cleaner closing a jar while a lookup read it. So {@link #prefetch} reads class files
 * with no lock held and adds them to the table in batches under the lock; {@link #ensureScanned},
 * under the lock, only scans what was prefetched and reports the classes it could not (loaded since):
 * the caller then drops the lock and prefetches again. No path reads a class file under the lock.
 */
public final class ClassDiscovery {
    /** Class files read per batch (a few hundred in memory at a time, not every one). */
    private static final int BATCH = 256;

    private final FunctionTable table;
    private final LoadedClasses classes;
    /** The ops list's lock, taken per batch of prefetched classes. */
    private final Object lock;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private final java.util.concurrent.atomic.AtomicInteger resolveWalks = new java.util.concurrent.atomic.AtomicInteger();
    /** Loaded classes that cannot be scanned (no class file found); not retried. Its own lock. */
    private final Map<Class<?>, Boolean> unscannable = Collections.synchronizedMap(new WeakHashMap<>());
    /** Classes whose class file {@link #captureFromJvm} waits for: {@link #WANTED}, then the bytes. */
    private final Map<Class<?>, Object> capturing = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Object WANTED = new Object();
    /** Class files read by {@link #prefetch}, taken by {@link #scanLoaded}. */
    private final Map<Class<?>, byte[]> prefetched = Collections.synchronizedMap(new WeakHashMap<>());

    public ClassDiscovery(FunctionTable table, LoadedClasses classes, Object lock) {
        this.table = table;
        this.classes = classes;
        this.lock = lock;
    }

    public FunctionTable table() {
        return table;
    }

    /**
     * Reads, without the lock, the class files of loaded classes that {@code wanted} accepts and the
     * table lacks, and adds them to the table in batches under the lock. The name test comes first:
     * it rejects nearly every class, and for a filter naming classes it is a set lookup.
     */
    public void prefetch(Predicate<String> wanted) {
        List<Class<?>> batch = new ArrayList<>();
        List<Class<?>> fromJvm = new ArrayList<>();
        for (Class<?> k : classes.all()) {
            if (!wanted.test(k.getName()) || !needsScan(k)) {
                continue;
            }
            if (Notrace.classReason(k) == null && classes.isModifiable(k)) {
                byte[] bytes = readClassFile(k);
                if (bytes != null) {
                    prefetched.put(k, bytes);
                    batch.add(k);
                } else {
                    fromJvm.add(k);
                }
            }
            if (batch.size() == BATCH) {
                scanBatch(batch);
                batch.clear();
            }
            if (fromJvm.size() == BATCH) {
                scanBatch(captureFromJvm(fromJvm));
                fromJvm.clear();
            }
        }
        scanBatch(batch);
        scanBatch(captureFromJvm(fromJvm));
    }

    /**
     * Gets the current class files of classes that have none to read (defined from bytes: proxies,
     * generated classes, script engines) from the JVM itself: a retransformation hands each class's
     * class file to the transformer, which keeps it ({@link #captured}) and changes nothing. With no
     * lock held. A class the JVM does not hand over is reported once, by name, and never traced.
     * {@return the classes whose class file is now prefetched}
     */
    private List<Class<?>> captureFromJvm(List<Class<?>> ks) {
        if (ks.isEmpty()) {
            return ks;
        }
        for (Class<?> k : ks) {
            capturing.put(k, WANTED);
        }
        Class<?>[] all = ks.toArray(new Class<?>[0]);
        // a failed call keeps what was handed over before it (the same bytes); a refused class is reported below
        LoadedClasses.retransformSplitting(classes, all, 0, all.length, (i, t) -> { });
        List<Class<?>> got = new ArrayList<>();
        for (Class<?> k : ks) {
            Object bytes = capturing.remove(k);
            if (bytes instanceof byte[]) {
                prefetched.put(k, (byte[]) bytes);
                got.add(k);
            } else {
                unscannable.put(k, Boolean.TRUE);
                Log.warn("class " + k.getName() + " has no class file to read and the JVM did not hand it "
                        + "over: it cannot be traced", null);
            }
        }
        return got;
    }

    /**
     * Called by the transformer first: keeps the class file the JVM offers for {@code redefined}
     * when {@link #captureFromJvm} asked for it. {@return true if it was kept (the transform then
     * changes nothing)}
     */
    public boolean captured(Class<?> redefined, byte[] bytes) {
        if (redefined == null || capturing.isEmpty()) {
            return false;
        }
        // a second offer (a split call tried again) keeps the first bytes and still changes nothing
        return capturing.replace(redefined, WANTED, bytes) || capturing.containsKey(redefined);
    }

    private boolean needsScan(Class<?> k) {
        return !k.isArray() && !k.isPrimitive() && !k.isHidden() && table.find(k.getClassLoader(), k.getName()) == null
                && !prefetched.containsKey(k) && !unscannable.containsKey(k);
    }

    private void scanBatch(List<Class<?>> batch) {
        synchronized (lock) {
            for (Class<?> k : batch) {
                scanLoaded(k, false);
                prefetched.remove(k); // if scanLoaded had no use for it
            }
        }
    }

    /**
     * Under the lock, after {@link #prefetch} with the same test: adds what was prefetched and
     * learns the classes of records made at load time. {@return the number of loaded classes that
     * {@code wanted} accepts but that were loaded after the prefetch (not read here): prefetch again}
     */
    public int ensureScanned(Predicate<String> wanted) {
        int missed = 0;
        for (Class<?> k : classes.all()) {
            if (wanted.test(k.getName()) && !scanLoaded(k, false)) {
                missed++;
            }
        }
        return missed;
    }

    /**
     * Adds loaded class {@code k} to the table, if its class file was prefetched. Notrace classes
     * are added only {@code forLookup} (a parent ip in them must resolve); their methods stay
     * untraceable. Under the lock. {@return false if it is wanted but its class file was not read yet}
     */
    public boolean scanLoaded(Class<?> k, boolean forLookup) {
        if (k.isArray() || k.isPrimitive() || k.isHidden()) {
            return true;
        }
        String reason = Notrace.classReason(k);
        if (!forLookup && reason != null) {
            return true;
        }
        ClassLoader loader = k.getClassLoader();
        ClassRecord c = table.find(loader, k.getName());
        if (c != null) {
            c.learnClass(k);
            return true;
        }
        if (unscannable.containsKey(k) || !classes.isModifiable(k)) {
            return true;
        }
        byte[] bytes = prefetched.remove(k);
        if (bytes == null) {
            return false; // loaded after the prefetch: never read here, under the lock
        }
        ProtectionDomain pd = null;
        try {
            pd = k.getProtectionDomain();
        } catch (SecurityException ignored) {
            // no code source: the module string stays empty
        }
        c = add(loader, k.getName(), bytes, k.getModule(), pd, reason);
        if (c != null) {
            c.learnClass(k);
        }
        return true;
    }

    /** Reads class {@code k}'s file with no lock held, for a following {@link #scanLoaded}(k, true). */
    public void prefetchOne(Class<?> k) {
        if (needsScan(k)) {
            byte[] bytes = readClassFile(k);
            if (bytes != null) {
                prefetched.put(k, bytes);
            }
        }
    }

    /** Forgets a prefetched class file that was not used. */
    public void dropPrefetched(Class<?> k) {
        prefetched.remove(k);
    }

    /** {@return the class file of loaded class {@code k} as its loader serves it, or null} Never under the lock. */
    public static byte[] readClassFile(Class<?> k) {
        String resource = k.getName().replace('.', '/') + ".class";
        try {
            Module module = k.getModule();
            InputStream in;
            if (module.isNamed()) {
                in = module.getResourceAsStream(resource);
            } else if (k.getClassLoader() != null) {
                in = k.getClassLoader().getResourceAsStream(resource);
            } else {
                in = ClassLoader.getSystemResourceAsStream(resource);
            }
            if (in == null) {
                return null;
            }
            try (InputStream closing = in) {
                return closing.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Scans class file {@code bytes} and adds its record, with {@code reason} why no method is
     * traceable (or null). {@return the record in the table, or null if the file cannot be read}
     */
    public ClassRecord add(ClassLoader loader, String name, byte[] bytes, Module module, ProtectionDomain pd,
                           String reason) {
        ScannedClass sc;
        try {
            sc = ClassScanner.scan(bytes);
        } catch (RuntimeException e) {
            Log.warn("class file of " + name + " cannot be read, not traceable: " + e, null);
            return null;
        }
        boolean bootOrPlatform = loader == null || loader == platformLoader;
        ClassRecord rec = new ClassRecord(name, loader, bootOrPlatform, moduleName(module, pd), sc.sourceFile,
                sc.version, reason);
        List<MethodRecord> protos = new ArrayList<>();
        for (ScannedMethod m : sc.methods) {
            if (Notrace.isFunction(m)) {
                protos.add(new MethodRecord(0, rec, m.name, m.descriptor, m.firstLine,
                        reason != null ? reason : Notrace.methodReason(name, m)));
            }
        }
        return table.add(loader, rec, protos);
    }

    /** {@return the module's name, or for a class path class the jar or directory it came from, or ""} */
    public static String moduleName(Module module, ProtectionDomain pd) {
        if (module != null && module.isNamed()) {
            return module.getName();
        }
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        if (url == null) {
            return "";
        }
        String path = url.getPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@return how often {@link #resolveClasses} walked every loaded class} (leak and churn tests watch it) */
    public int resolveWalks() {
        return resolveWalks.get();
    }

    /** Finds the Class objects of records that were scanned at load time, before they were defined. */
    public void resolveClasses(List<ClassRecord> records) {
        boolean missing = false;
        for (ClassRecord c : records) {
            if (c.loadedClass() == null) {
                missing = true;
                break;
            }
        }
        if (!missing) {
            return;
        }
        resolveWalks.incrementAndGet();
        for (Class<?> k : classes.all()) {
            ClassRecord c = table.find(k.getClassLoader(), k.getName());
            if (c != null) {
                c.learnClass(k);
            }
        }
    }

    /** {@return the class of {@code c}, found among the loaded classes if not known yet} */
    public Class<?> classOf(ClassRecord c) {
        Class<?> k = c.loadedClass();
        if (k == null) {
            resolveClasses(Collections.singletonList(c));
            k = c.loadedClass();
        }
        if (k == null) {
            throw new FtraceException(Errno.EINVAL, c.name + " is not loaded (any more)");
        }
        return k;
    }
}
