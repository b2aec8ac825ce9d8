package org.jftrace.internal.hook;

import java.lang.ref.WeakReference;

/**
 * One class in the function table: its name, where it came from and its methods. The class and
 * its loader are held weakly, so the table never keeps a class loader alive.
 */
final class ClassRecord {
    /** Binary name with dots, as a stack trace prints it. */
    final String name;
    /** Internal name with slashes, as class files and transformers use it. */
    final String internalName;
    final WeakReference<ClassLoader> loader;
    final boolean bootOrPlatform;
    /** Module name, or the jar or directory a class path class came from, or "". */
    final String module;
    final String sourceFile;
    final int classVersion;
    /** Why no method of this class can carry a hook, or {@code null}. */
    final String notraceReason;
    MethodRecord[] methods = new MethodRecord[0];

    /** The class once defined; written by the registry when it learns it. */
    volatile WeakReference<Class<?>> clazz;

    /** The methods that carry a hook in the bytecode the JVM runs now; written under the registry lock. */
    java.util.BitSet instrumented = new java.util.BitSet();
    /** Of those, the methods whose hook saves registers (SAVE_REGS shape). */
    java.util.BitSet instrumentedRegs = new java.util.BitSet();

    ClassRecord(String name, ClassLoader loader, boolean bootOrPlatform, String module, String sourceFile,
                int classVersion, String notraceReason) {
        this.name = name;
        this.internalName = name.replace('.', '/');
        this.loader = loader == null ? null : new WeakReference<>(loader);
        this.bootOrPlatform = bootOrPlatform;
        this.module = module;
        this.sourceFile = sourceFile;
        this.classVersion = classVersion;
        this.notraceReason = notraceReason;
    }

    Class<?> loadedClass() {
        WeakReference<Class<?>> ref = clazz;
        return ref == null ? null : ref.get();
    }

    boolean loaderAlive() {
        return loader == null || loader.get() != null;
    }

    @Override
    public String toString() {
        return name + (module.isEmpty() ? "" : " [" + module + "]");
    }
}
