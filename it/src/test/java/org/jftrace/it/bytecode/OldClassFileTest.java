package org.jftrace.it.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Classes compiled for old class file versions (Java 1.4 = 48, 5 = 49, 6 = 50: before
 * invokedynamic) are hookable: they get the static-call hook, plain and with regs, and keep working.
 */
class OldClassFileTest {

    /** {@code public static int abs(int)} with a branch, in class file version {@code version}. */
    static byte[] legacy(String name, int version) {
        ClassWriter cw = new ClassWriter(version >= Opcodes.V1_6 ? ClassWriter.COMPUTE_FRAMES : ClassWriter.COMPUTE_MAXS);
        cw.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "abs", "(I)I", null, null);
        mv.visitCode();
        Label neg = new Label();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFLT, neg);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(neg);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.INEG);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {Opcodes.V1_4, Opcodes.V1_5, Opcodes.V1_6})
    void oldClassFilesAreHookedPlainAndWithRegs(int version) throws Exception {
        String name = "org.jftrace.it.bytecode.gen.Legacy" + version;
        Method abs = new org.jftrace.it.ItSupport.SingleClassLoader(name, legacy(name, version), OldClassFileTest.class.getClassLoader()).loadClass(name).getMethod("abs", int.class);
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        FtraceOps plain = FtraceOps.of((ip, p, op, regs) -> seen.add("plain " + Ftrace.lookup(ip).get().name()));
        FtraceOps withRegs = FtraceOps.of((ip, p, op, regs) -> {
            seen.add("regs " + regs.arg(0));
            regs.setArg(0, -((Integer) regs.arg(0)) * 10);
        }).withFlags(FtraceOps.Flag.SAVE_REGS);
        Ftrace.ftraceSetFilter(plain, name + ".abs", true);
        Ftrace.ftraceSetFilter(withRegs, name + ".abs", true);
        int before = (Integer) abs.invoke(null, -3);
        Ftrace.registerFtraceFunction(plain);
        int hooked;
        int rewritten;
        try {
            hooked = (Integer) abs.invoke(null, -4);
            Ftrace.registerFtraceFunction(withRegs);
            try {
                rewritten = (Integer) abs.invoke(null, 5);
            } finally {
                Ftrace.unregisterFtraceFunction(withRegs);
            }
        } finally {
            Ftrace.unregisterFtraceFunction(plain);
        }
        assertEquals(3, before);
        assertEquals(4, hooked);
        assertEquals(50, rewritten, "abs(-50) after the argument was rewritten");
        assertEquals(List.of("plain " + name + ".abs", "regs 5", "plain " + name + ".abs"), seen);
        assertEquals(6, (Integer) abs.invoke(null, -6));
        assertTrue(Ftrace.enabledFunctions().stream().noneMatch(f -> f.function().name().startsWith(name)));
    }
}
