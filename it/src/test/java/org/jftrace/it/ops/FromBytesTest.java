package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class defined from bytes (no class file to read, as proxies, generated classes and script
 * engines' classes are) that loaded before the ops wanting it is traceable: jftrace gets its class
 * file from the JVM. The previous build marked it unscannable for good: a filter naming it was
 * EINVAL "matches nothing".
 */
class FromBytesTest {
    static final String NAME = "org.jftrace.it.ops.gen.FromBytes";

    private static byte[] bytes() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, NAME.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "twice", "(I)I", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitInsn(Opcodes.IMUL);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Defines its one class from bytes and serves no class file for it (getResourceAsStream finds nothing). */
    static final class BytesOnlyLoader extends ClassLoader {
        BytesOnlyLoader() {
            super(FromBytesTest.class.getClassLoader());
        }

        @Override
        protected Class<?> findClass(String n) throws ClassNotFoundException {
            if (!n.equals(NAME)) {
                throw new ClassNotFoundException(n);
            }
            byte[] b = bytes();
            return defineClass(n, b, 0, b.length);
        }
    }

    @Test
    void aClassDefinedFromBytesBeforeRegisterIsTraced() throws Exception {
        BytesOnlyLoader loader = new BytesOnlyLoader();
        Method twice = loader.loadClass(NAME).getMethod("twice", int.class);
        assertEquals(4, twice.invoke(null, 2)); // loaded, linked and run before any ops wants it
        assertEquals(null, loader.getResourceAsStream(NAME.replace('.', '/') + ".class"), "no class file to read");

        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet());
        Ftrace.ftraceSetFilter(ops, NAME + ".twice", false);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(6, twice.invoke(null, 3));
            assertEquals(1, calls.get(), "the class defined from bytes is hooked");
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(10, twice.invoke(null, 5));
        assertEquals(1, calls.get());
        boolean listed = false;
        for (FunctionInfo f : Ftrace.availableFilterFunctions()) {
            listed |= f.className().equals(NAME) && f.methodName().equals("twice");
        }
        assertTrue(listed, "available_filter_functions lists it");
    }
}
