package org.jftrace.internal.bytecode;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class of two empty static methods, {@code plain(I)V} and {@code regs(I)V}, for warming up the
 * linking of hook sites before any ops exists (the core hooks it directly and calls both).
 */
public final class LinkWarmUpClass {
    public static final String PLAIN = "plain(I)V";
    public static final String REGS = "regs(I)V";

    private LinkWarmUpClass() {
    }

    /** {@return the class file of class {@code internalName}} */
    public static byte[] bytes(String internalName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internalName, null, "java/lang/Object", null);
        for (String m : new String[] {"plain", "regs"}) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, m, "(I)V", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 1);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
