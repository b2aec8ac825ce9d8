package org.jftrace.it.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * SAVE_REGS where regs cannot be had: a method so close to the 64 KiB code limit that the
 * register-saving hook would push it over. With SAVE_REGS_IF_SUPPORTED it is hooked with null
 * regs; with SAVE_REGS alone it is skipped (SPEC 3.8).
 */
class RegsLimitsTest {
    private static final String NAME = "org.jftrace.it.flags.gen.Huge";

    /** {@code static long big(long a0..a9)}: about 65,400 bytes of nops, then a0 + a1. */
    static byte[] hugeClass() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, NAME.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "big", "(JJJJJJJJJJ)J", null, null);
        mv.visitCode();
        for (int i = 0; i < 65_400; i++) {
            mv.visitInsn(Opcodes.NOP);
        }
        mv.visitVarInsn(Opcodes.LLOAD, 0);
        mv.visitVarInsn(Opcodes.LLOAD, 2);
        mv.visitInsn(Opcodes.LADD);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static long call(Method big) throws Exception {
        return (Long) big.invoke(null, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void saveRegsIfSupportedHooksWithNullRegs() throws Exception {
        Method big = new org.jftrace.it.ItSupport.SingleClassLoader(NAME, hugeClass(), RegsLimitsTest.class.getClassLoader()).loadClass(NAME).getMethod("big", long.class, long.class, long.class, long.class,
                long.class, long.class, long.class, long.class, long.class, long.class);
        List<Regs> seen = Collections.synchronizedList(new ArrayList<>());
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) -> seen.add(regs))
                .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.SAVE_REGS_IF_SUPPORTED);
        Ftrace.ftraceSetFilter(ops, NAME + ".big", true);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(3L, call(big));
            assertTrue(Ftrace.enabledFunctions().stream().anyMatch(f -> f.function().name().equals(NAME + ".big")));
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(1, seen.size(), "hooked");
        assertNull(seen.get(0), "without regs: the regs hook does not fit in 64 KiB");
    }

    @Test
    void saveRegsAloneSkipsTheMethod() throws Exception {
        Method big = new org.jftrace.it.ItSupport.SingleClassLoader(NAME, hugeClass(), RegsLimitsTest.class.getClassLoader()).loadClass(NAME).getMethod("big", long.class, long.class, long.class, long.class,
                long.class, long.class, long.class, long.class, long.class, long.class);
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, p, op, regs) -> calls.incrementAndGet()).withFlags(FtraceOps.Flag.SAVE_REGS);
        Ftrace.ftraceSetFilter(ops, NAME + ".big", true);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(3L, call(big));
            assertFalse(Ftrace.enabledFunctions().stream().anyMatch(f -> f.function().name().equals(NAME + ".big")),
                    "skipped, so not in enabled_functions");
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        assertEquals(0, calls.get());
    }
}
