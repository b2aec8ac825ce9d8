package org.jftrace.internal.hook;

import java.lang.reflect.Modifier;

import org.jftrace.internal.bytecode.ClassScanner.ScannedMethod;

/**
 * What can never carry a hook, and why (the kernel's notrace functions). Documented in the README:
 * <ul>
 * <li>jftrace's own classes ({@code org.jftrace} API, {@code org.jftrace.internal.*},
 *     {@code org.jftrace.agent}): hooking them would recurse;</li>
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
final class Notrace {
    private static final String[] PREFIXES = {
        "org.jftrace.internal.", "org.jftrace.agent.",
        "java.lang.invoke.", "java.lang.ref.", "java.lang.instrument.", "sun.instrument.",
        "jdk.internal.misc.", "jdk.internal.vm.", "jdk.internal.reflect.", "jdk.internal.invoke.",
        "sun.invoke.", "java.lang.Thread$", "java.lang.ThreadLocal", "java.lang.StackStreamFactory",
        "java.lang.StackWalker", "java.lang.LiveStackFrame", "java.lang.StackFrameInfo",
    };
    private static final String[] EXACT = {
        "java.lang.Thread", "java.lang.Object", "java.lang.VirtualThread",
    };

    /** Single JDK methods on the hook path, by class and name (all overloads). */
    private static final String[][] METHODS = {
        {"java.util.Objects", "requireNonNull"}, // the VarHandle that reads a thread's id calls it before the guard holds
    };

    private Notrace() {
    }

    /** {@return why no method of class {@code name} is traceable, or {@code null}} */
    static String classReason(String name) {
        if (name.startsWith("org.jftrace.") && name.indexOf('.', "org.jftrace.".length()) < 0) {
            return "jftrace's API";
        }
        for (String p : PREFIXES) {
            if (name.startsWith(p)) {
                return p.startsWith("org.jftrace") ? "jftrace's own code" : "on jftrace's hook path";
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
    static boolean isFunction(ScannedMethod m) {
        return m.hasCode && (m.access & (Modifier.ABSTRACT | Modifier.NATIVE)) == 0;
    }

    /** {@return why method {@code m} of class {@code className} is not traceable, or {@code null}} */
    static String methodReason(String className, ScannedMethod m) {
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
