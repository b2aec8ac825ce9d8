package org.jftrace.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.EnabledFunction;
import org.jftrace.Ftrace;
import org.jftrace.FunctionInfo;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A generation of small classes made with ASM at run time, defined and initialised in a fresh
 * class loader of their own: {@code org.jftrace.bench.gen.gN.C0 .. C999}, each with a constructor
 * and {@link #METHODS} small {@code int mK(int, int)} methods. Each generation has its own package,
 * so that a pattern never selects the classes of an earlier generation that the GC has not
 * unloaded yet. The loader serves the class files as resources too: jftrace reads a loaded class's
 * file with {@code getResourceAsStream} when a filter first needs it.
 */
public final class GeneratedClasses {
    public static final String BASE = "org.jftrace.bench.gen";
    public static final int CLASSES = 1_000;
    /** Methods per class besides the constructor: with it, 5 traceable methods per class. */
    public static final int METHODS = 4;

    private static final AtomicInteger GENERATION = new AtomicInteger();
    /** The loader of the previous generation, to tell whether it could be unloaded. */
    private static WeakReference<ClassLoader> previous;

    private final String pkg;
    private final List<Class<?>> classes = new ArrayList<>();

    private GeneratedClasses(String pkg) {
        this.pkg = pkg;
    }

    /**
     * {@return a new generation of {@link #CLASSES} classes, all loaded and initialised} Runs a full
     * GC first, so that the previous generation (dropped by the caller) can be unloaded and does
     * not weigh on the next timing; warns on stderr if its loader is still reachable.
     */
    public static GeneratedClasses load() {
        for (int i = 0; i < 3 && previous != null && previous.get() != null; i++) {
            System.gc();
        }
        if (previous != null && previous.get() != null) {
            System.err.println("[bench] note: the previous generation's class loader is still reachable after GC;"
                    + " its classes stay loaded and in jftrace's function table");
        }
        String pkg = BASE + ".g" + GENERATION.incrementAndGet();
        GeneratedClasses g = new GeneratedClasses(pkg);
        Map<String, byte[]> files = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CLASSES; i++) {
            String name = pkg + ".C" + i;
            files.put(name.replace('.', '/') + ".class", generate(name.replace('.', '/')));
            names.add(name);
        }
        Loader loader = new Loader(files, GeneratedClasses.class.getClassLoader());
        previous = new WeakReference<>(loader);
        try {
            for (String name : names) {
                g.classes.add(Class.forName(name, true, loader));
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a generated class did not load", e);
        }
        return g;
    }

    /** {@return the filter pattern that selects every method of this generation} */
    public String pattern() {
        return pkg + ".*";
    }

    /** {@return how many methods of this generation jftrace lists as traceable} */
    public int available() {
        int n = 0;
        for (FunctionInfo f : Ftrace.availableFilterFunctions()) {
            if (f.className().startsWith(pkg + ".")) {
                n++;
            }
        }
        return n;
    }

    /** {@return how many methods of this generation carry a hook now (enabled_functions)} */
    public int hooked() {
        int n = 0;
        for (EnabledFunction e : Ftrace.enabledFunctions()) {
            if (e.function().className().startsWith(pkg + ".")) {
                n++;
            }
        }
        return n;
    }

    /** Calls {@code m0} of the last class once, reflectively. */
    public void callOne() {
        try {
            Class<?> k = classes.get(classes.size() - 1);
            Object o = k.getConstructor().newInstance();
            Method m = k.getMethod("m0", int.class, int.class);
            m.invoke(o, 3, 4);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call a generated method", e);
        }
    }

    private static byte[] generate(String internalName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER | Opcodes.ACC_FINAL, internalName, null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        int[] ops = {Opcodes.IADD, Opcodes.ISUB, Opcodes.IMUL, Opcodes.IXOR};
        for (int k = 0; k < METHODS; k++) {
            mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "m" + k, "(II)I", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ILOAD, 1);
            mv.visitVarInsn(Opcodes.ILOAD, 2);
            mv.visitInsn(ops[k % ops.length]);
            mv.visitIntInsn(Opcodes.BIPUSH, k + 1);
            mv.visitInsn(Opcodes.IADD);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Defines the generated classes and serves their class files as resources. */
    private static final class Loader extends ClassLoader {
        private final Map<String, byte[]> files;

        Loader(Map<String, byte[]> files, ClassLoader parent) {
            super("jftrace-bench-gen", parent);
            this.files = files;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = files.get(name.replace('.', '/') + ".class");
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            byte[] b = files.get(name);
            return b != null ? new ByteArrayInputStream(b) : super.getResourceAsStream(name);
        }
    }
}
