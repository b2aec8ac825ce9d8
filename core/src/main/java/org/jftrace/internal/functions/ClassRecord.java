package org.jftrace.internal.functions;

import java.lang.ref.WeakReference;
import java.util.BitSet;

/**
 * One class in the function table: its name, where it came from and its methods. The class and
 * its loader are held weakly, so the table never keeps a class loader alive.
 */
public final class ClassRecord {
    /** Binary name with dots, as a stack trace prints it. */
    public final String name;
    public final WeakReference<ClassLoader> loader;
    public final boolean bootOrPlatform;
    /** Module name, or the jar or directory a class path class came from, or "". */
    public final String module;
    public final String sourceFile;
    public final int classVersion;
    /** Why no method of this class can carry a hook, or {@code null}. */
    public final String notraceReason;
    MethodRecord[] methods = new MethodRecord[0];

    /** The class once defined; written when it is learnt (scan, transform, resolve). */
    private volatile WeakReference<Class<?>> clazz;

    /**
     * The methods that carry a hook in the bytecode the JVM runs now, and of those the ones whose
     * hook saves registers: the code modifier's record ({@code patch.ClassHooker} writes them, under
     * the ops list's lock).
     */
    public BitSet instrumented = new BitSet();
    public BitSet instrumentedRegs = new BitSet();
    /** How many exit-hook ops the bytecode in force provides for, by method position (0 past the end). */
    public int[] instrumentedGraph = new int[0];

    /** {@return the exit-hook slots the bytecode in force has in method number {@code i}} */
    /**
     * The hooks the last retransformation asked of this class ({@code HookPlanner.shape}), and the
     * hooks the JVM refused for it, or null: a shape refused once is not tried again (each try fails
     * the whole call it is in, which then splits and redoes every other class's transform).
     */
    public byte[] attemptedShape;
    public byte[] refusedShape;

    public int graphSlots(int i) {
        int[] g = instrumentedGraph;
        return i < g.length ? g[i] : 0;
    }

    public ClassRecord(String name, ClassLoader loader, boolean bootOrPlatform, String module, String sourceFile,
                       int classVersion, String notraceReason) {
        this.name = name;
        this.loader = loader == null ? null : new WeakReference<>(loader);
        this.bootOrPlatform = bootOrPlatform;
        this.module = module;
        this.sourceFile = sourceFile;
        this.classVersion = classVersion;
        this.notraceReason = notraceReason;
    }

    /** {@return the methods, in class file order} Shared: do not modify. */
    public MethodRecord[] methods() {
        return methods;
    }

    public Class<?> loadedClass() {
        WeakReference<Class<?>> ref = clazz;
        return ref == null ? null : ref.get();
    }

    /** Records the defined class, unless one is known already. */
    public void learnClass(Class<?> k) {
        if (loadedClass() == null) {
            clazz = new WeakReference<>(k);
        }
    }

    /** {@return whether this record is of a class of {@code l} (null: the boot loader)} */
    public boolean definedBy(ClassLoader l) {
        return loader == null ? l == null : loader.get() == l;
    }

    public boolean loaderAlive() {
        return loader == null || loader.get() != null;
    }

    /** {@return whether its hooks are invokedynamic sites (application classes of version 51+), else static calls} */
    public boolean usesIndy() {
        return !bootOrPlatform && classVersion >= 51;
    }

    @Override
    public String toString() {
        return name + (module.isEmpty() ? "" : " [" + module + "]");
    }
}
