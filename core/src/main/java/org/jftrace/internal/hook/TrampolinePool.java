package org.jftrace.internal.hook;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Generates and recycles the {@link Trampoline} subclasses, one per live ops. A class goes back to
 * the pool only after its ops' grace period, when no thread can be inside it, so a later ops may
 * reuse it: the number of classes stays the peak number of live ops, not the number of registers.
 * Guarded by the registry lock.
 */
final class TrampolinePool {
    private static final String TRAMPOLINE = Type.getInternalName(Trampoline.class);
    private static final String DISPATCH = Type.getInternalName(Dispatch.class);
    private static final String FUNC = Type.getDescriptor(FtraceFunc.class);
    private static final String OPS = Type.getDescriptor(FtraceOps.class);
    private static final String STATE = Type.getDescriptor(OpsState.class);
    private static final String CALL_DESC = "(" + FUNC + "J" + OPS + STATE + ")V";
    static final MethodType CALL_TYPE = MethodType.methodType(void.class, FtraceFunc.class, long.class,
            FtraceOps.class, OpsState.class);

    /** The dispatch entry a trampoline calls, chosen once from its ops' flags. */
    enum Kind {
        SAFE("callSafe"), SAFE_PARENT("callSafeParent"), GUARDED("callGuarded"), GUARDED_PARENT("callGuardedParent");

        final String dispatchMethod;

        Kind(String dispatchMethod) {
            this.dispatchMethod = dispatchMethod;
        }

        static Kind of(boolean guarded, boolean parentIp) {
            return guarded ? (parentIp ? GUARDED_PARENT : GUARDED) : (parentIp ? SAFE_PARENT : SAFE);
        }
    }

    /** One generated class and its handles. */
    static final class Slot {
        final Class<?> type;
        final MethodHandle call;
        final MethodHandle constructor;
        final Kind kind;

        Slot(Class<?> type, MethodHandle call, MethodHandle constructor, Kind kind) {
            this.type = type;
            this.call = call;
            this.constructor = constructor;
            this.kind = kind;
        }
    }

    private final java.util.EnumMap<Kind, ArrayDeque<Slot>> free = new java.util.EnumMap<>(Kind.class);
    private int generated;

    TrampolinePool() {
        for (Kind k : Kind.values()) {
            free.put(k, new ArrayDeque<>());
        }
    }

    Slot take(Kind kind) {
        Slot s = free.get(kind).poll();
        return s != null ? s : generate(kind);
    }

    void giveBack(Slot s) {
        free.get(s.kind).push(s);
    }

    int generatedCount() {
        return generated;
    }

    private Slot generate(Kind kind) {
        String name = TRAMPOLINE + "$" + (++generated) + "_" + kind.name();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                name, null, TRAMPOLINE, null);
        cw.visitSource("Trampoline.java", null);

        String ctorDesc = "(" + FUNC + OPS + STATE + ")V";
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", ctorDesc, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, TRAMPOLINE, "<init>", ctorDesc, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_STATIC, "call", CALL_DESC, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        mv.visitVarInsn(Opcodes.ALOAD, 4);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, kind.dispatchMethod, CALL_DESC, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "enter", "(J)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, "func", FUNC);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, "ops", OPS);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, "state", STATE);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, name, "call", CALL_DESC, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();

        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> type = lookup.defineClass(cw.toByteArray());
            MethodHandle call = lookup.findStatic(type, "call", CALL_TYPE);
            MethodHandle ctor = lookup.findConstructor(type, MethodType.methodType(void.class, FtraceFunc.class,
                    FtraceOps.class, OpsState.class));
            return new Slot(type, call, ctor, kind);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define trampoline " + name, e);
        }
    }
}
