package org.jftrace.internal.functions;

import java.lang.reflect.Modifier;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;

import org.jftrace.internal.bytecode.ClassScanner.ScannedMethod;

/**
 * What can never carry a hook, and why (the kernel's notrace functions). Documented in the README:
 * <ul>
 * <li>jftrace's own code, known by where it was loaded from, not by its name: every class of the
 *     jars or directories jftrace's own classes came from (the agent jar, however it is packaged;
 *     classes jftrace generates share them), and the boot bridge on the boot class path. Hooking
 *     them would recurse. Code that merely lives in an {@code org.jftrace} package (tests, samples,
 *     benchmarks) stays traceable;</li>
 * <li>the JDK code that a hooked call or the linking of a hook site runs before the recursion guard
 *     holds: {@code java.lang.invoke}, {@code java.lang.ref}, {@code Thread}, {@code ThreadLocal},
 *     {@code Object}, the stack walker, {@code jdk.internal.misc/vm/reflect}, {@code sun.invoke},
 *     {@code java.lang.instrument}, {@code Objects.requireNonNull};</li>
 * <li>hidden classes (lambdas: their bodies are {@code lambda$...} methods of the host class,
 *     traceable there);</li>
 * <li>abstract and native methods (no bytecode), and JIT intrinsic candidates (their hook would
 *     stop firing once callers are compiled).</li>
 * </ul>
 */
public final class Notrace {
    /** The reason given for jftrace's own classes. */
    public static final String OWN_CODE = "jftrace's own code";

    private static final String[] PREFIXES = {
        "java.lang.invoke.", "java.lang.ref.", "java.lang.instrument.", "sun.instrument.",
        "jdk.internal.misc.", "jdk.internal.vm.", "jdk.internal.reflect.", "jdk.internal.invoke.",
        "sun.invoke.", "java.lang.Thread$", "java.lang.ThreadLocal", "java.lang.StackStreamFactory",
        "java.lang.StackWalker", "java.lang.LiveStackFrame", "java.lang.StackFrameInfo",
    };
    private static final String[] EXACT = {
        "java.lang.Thread", "java.lang.Object", "java.lang.VirtualThread",
    };
    /** The boot bridge's package: the only jftrace code on the boot class path, which has no code source. */
    private static final String BOOT_BRIDGE = "org.jftrace.internal.boot.";

    /** Single JDK methods on the hook path, by class and name (all overloads). */
    private static final String[][] METHODS = {
        {"java.util.Objects", "requireNonNull"}, // the VarHandle that reads a thread's id calls it before the guard holds
    };

    /** Where jftrace's own classes were loaded from (code source locations); copy on write. */
    private static volatile String[] ownLocations = locationsOf(Notrace.class, org.jftrace.Ftrace.class);

    private Notrace() {
    }

    /** Adds the code sources of {@code classes} (the agent's, for instance) to jftrace's own code. */
    public static synchronized void addOwnCode(Class<?>... classes) {
        String[] more = locationsOf(classes);
        String[] cur = ownLocations;
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(java.util.Arrays.asList(cur));
        all.addAll(java.util.Arrays.asList(more));
        ownLocations = all.toArray(new String[0]);
    }

    private static String[] locationsOf(Class<?>... classes) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Class<?> k : classes) {
            String l = locationOf(k.getProtectionDomain());
            if (l != null && !out.contains(l)) {
                out.add(l);
            }
        }
        return out.toArray(new String[0]);
    }

    private static String locationOf(ProtectionDomain pd) {
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        return url == null ? null : url.toString();
    }

    /** {@return whether a class of {@code loader} from {@code pd} named {@code name} is jftrace's own} */
    public static boolean isOwnCode(String name, ClassLoader loader, ProtectionDomain pd) {
        if (loader == null) {
            return name.startsWith(BOOT_BRIDGE);
        }
        String l = locationOf(pd);
        if (l == null) {
            return false;
        }
        for (String own : ownLocations) {
            if (own.equals(l)) {
                return true;
            }
        }
        return false;
    }

    /** {@return why no method of loaded class {@code k} is traceable, or {@code null}} */
    public static String classReason(Class<?> k) {
        ProtectionDomain pd;
        try {
            pd = k.getProtectionDomain();
        } catch (SecurityException e) {
            pd = null;
        }
        return classReason(k.getName(), k.getClassLoader(), pd);
    }

    /** {@return why no method of class {@code name} (of {@code loader}, from {@code pd}) is traceable, or {@code null}} */
    public static String classReason(String name, ClassLoader loader, ProtectionDomain pd) {
        String byName = classReason(name);
        if (byName != null) {
            return byName;
        }
        return isOwnCode(name, loader, pd) ? OWN_CODE : null;
    }

    /** {@return why no method of a class named {@code name} is traceable whatever its origin, or {@code null}} */
    public static String classReason(String name) {
        for (String p : PREFIXES) {
            if (name.startsWith(p)) {
                return "on jftrace's hook path";
            }
        }
        for (String e : EXACT) {
            if (name.equals(e)) {
                return "on jftrace's hook path";
            }
        }
        if (name.indexOf('/') >= 0 || name.contains("$$Lambda")) {
            return "hidden class";
        }
        return null;
    }

    /** {@return whether the method has bytecode at all (abstract and native ones are no functions)} */
    public static boolean isFunction(ScannedMethod m) {
        return m.hasCode && (m.access & (Modifier.ABSTRACT | Modifier.NATIVE)) == 0;
    }

    /** {@return why method {@code m} of class {@code className} is not traceable, or {@code null}} */
    public static String methodReason(String className, ScannedMethod m) {
        if (m.intrinsicCandidate) {
            return "JIT intrinsic candidate";
        }
        for (String[] e : METHODS) {
            if (e[0].equals(className) && e[1].equals(m.name)) {
                return "on jftrace's hook path";
            }
        }
        return null;
    }
}
