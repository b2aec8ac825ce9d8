package org.jftrace.internal.functions;

import java.lang.ref.WeakReference;

import org.jftrace.FunctionInfo;
import org.jftrace.internal.bytecode.ClassScanner;
import org.jftrace.internal.boot.Hooks;

/**
 * One method in the function table: its stable index and what it resolves to. The ip is the
 * index shifted left by {@link Hooks#IP_SHIFT}, leaving room for a bytecode index in parent ips.
 * Immutable but for two caches made on first use. What is hooked on it lives in
 * {@code dispatch.HookSite}, not here: the table only names functions.
 */
public final class MethodRecord {
    public final int index;
    public final ClassRecord owner;
    public final String name;
    public final String descriptor;
    public final int firstLine;
    /** Why this method cannot carry a hook, or {@code null} when it is traceable. */
    public final String notraceReason;
    /**
     * {@link #functionName()} and {@link #parameters()}, made on first use: a first register reads
     * every method of the JVM, and most are never matched by a glob or listed (two strings per
     * method were a fifth of what that register allocated). Racy but benign: equal strings.
     */
    private String functionName;
    private String parameters;

    /** {@link #sortsOf} of the descriptor, made when the method first gets a regs hook. */
    private volatile String argSorts;
    /**
     * Parameter classes, resolved the first time a callback rewrites a reference argument. Weak:
     * the table outlives the classes it names, and a strong reference would keep their loaders.
     */
    private volatile WeakReference<Class<?>>[] parameterTypes;

    public MethodRecord(int index, ClassRecord owner, String name, String descriptor, int firstLine,
                        String notraceReason) {
        this.index = index;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.firstLine = firstLine;
        this.notraceReason = notraceReason;
    }

    /**
     * {@return parameter {@code i}'s class, or null when it cannot be resolved}
     *
     * @param reflection resolves the classes the first time
     */
    public Class<?> parameterType(int i, Reflection reflection) {
        WeakReference<Class<?>>[] p = parameterTypes;
        if (p == null) {
            Class<?>[] types = reflection.parameterTypes(this);
            if (types == null) {
                return null;
            }
            @SuppressWarnings("unchecked")
            WeakReference<Class<?>>[] refs = new WeakReference[types.length];
            for (int k = 0; k < types.length; k++) {
                refs[k] = new WeakReference<>(types[k]);
            }
            parameterTypes = refs;
            p = refs;
        }
        return i < p.length ? p[i].get() : null;
    }

    /**
     * {@return one character per argument ({@code Z B C S I J F D}, or {@code L} for any
     * reference)} Interned: methods of one shape share it, and the regs chain binds it as a constant.
     */
    public String argSorts() {
        String s = argSorts;
        if (s == null) {
            s = sortsOf(descriptor).intern();
            argSorts = s;
        }
        return s;
    }

    /** {@return the argument sorts of {@code descriptor}, as {@link #argSorts()} gives them} */
    public static String sortsOf(String descriptor) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; descriptor.charAt(i) != ')'; i++) {
            char c = descriptor.charAt(i);
            if (c == '[' || c == 'L') {
                while (descriptor.charAt(i) == '[') {
                    i++;
                }
                if (descriptor.charAt(i) == 'L') {
                    i = descriptor.indexOf(';', i);
                }
                c = 'L';
            }
            b.append(c);
        }
        return b.toString();
    }

    public long ip() {
        return ipOf(index);
    }

    public static long ipOf(int index) {
        return ((long) index) << Hooks.IP_SHIFT;
    }

    public boolean traceable() {
        return notraceReason == null;
    }

    /** {@return why it cannot be hooked (its own reason or its class's), or null} */
    public String reason() {
        return owner.notraceReason != null ? owner.notraceReason : notraceReason;
    }

    /** {@return {@code binary.class.Name.method}, what name globs match} */
    public String functionName() {
        String f = functionName;
        if (f == null) {
            f = owner.name + "." + name;
            functionName = f;
        }
        return f;
    }

    /** {@return the Java parameter list, {@code (int,java.lang.String)}} */
    public String parameters() {
        String p = parameters;
        if (p == null) {
            p = ClassScanner.parametersOf(descriptor);
            parameters = p;
        }
        return p;
    }

    public FunctionInfo info(int bci, int line) {
        return new FunctionInfo(ipOf(index) | bci, owner.name, name, descriptor, parameters(), owner.module,
                owner.sourceFile, line, bci);
    }

    public FunctionInfo info() {
        return info(0, firstLine);
    }

    @Override
    public String toString() {
        return functionName() + parameters();
    }
}
