package org.jftrace.internal.dispatch;

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
 * Guarded by the ops list's lock.
 */
public final class TrampolinePool {
    private static final String TRAMPOLINE = Type.getInternalName(Trampoline.class);
    private static final String DISPATCH = Type.getInternalName(Dispatch.class);
    private static final String FUNC = Type.getDescriptor(FtraceFunc.class);
    private static final String OPS = Type.getDescriptor(FtraceOps.class);
    private static final String STATE = Type.getDescriptor(LiveOps.class);
    private static final String REGS = Type.getDescriptor(RegsImpl.class);
    private static final String CALL_DESC = "(" + FUNC + "J" + OPS + STATE + "I)V";
    /** Also Dispatch.call's descriptor: a regs call passes its registers, a plain one null. */
    private static final String CALL_REGS_DESC = "(" + FUNC + "J" + OPS + STATE + REGS + "I)V";
    private static final String DISPATCH_DESC = CALL_REGS_DESC;
    private static final String M_CALL = "call";
    private static final String M_CALL_REGS = "callRegs";
    private static final String M_LINK_MODE = "linkMode";
    private static final String F_STATE = "state";
    private static final String F_FUNC = "func";
    private static final String F_OPS = "ops";
    /**
     * {@code call(func, ip, ops, state, linkMode)}: the last argument holds the dispatch bits that
     * can change while the ops lives ({@link LiveOps#linkMode()}); hook sites bind it as a constant
     * and are relinked when it changes.
     */
    static final MethodType CALL_TYPE = MethodType.methodType(void.class, FtraceFunc.class, long.class,
            FtraceOps.class, LiveOps.class, int.class);
    static final MethodType CALL_REGS_TYPE = MethodType.methodType(void.class, FtraceFunc.class, long.class,
            FtraceOps.class, LiveOps.class, RegsImpl.class, int.class);

    /** One generated class and its handles. */
    public record Slot(Class<?> type, MethodHandle call, MethodHandle callRegs, MethodHandle constructor, int mode) {
    }

    @SuppressWarnings("unchecked")
    private final ArrayDeque<Slot>[] free = new ArrayDeque[Dispatch.MODES];
    /** Trampoline classes ever generated in this JVM: their names are unique across cores (tests make several). */
    private static final java.util.concurrent.atomic.AtomicInteger GENERATED = new java.util.concurrent.atomic.AtomicInteger();

    /** {@return a trampoline class for dispatch {@code mode}: a recycled one, or a new one} */
    public Slot take(int mode) {
        ArrayDeque<Slot> q = free[mode];
        Slot s = q == null ? null : q.poll();
        return s != null ? s : generate(mode);
    }

    /** Recycles {@code s}; only after its ops' grace period. */
    public void giveBack(Slot s) {
        if (free[s.mode()] == null) {
            free[s.mode()] = new ArrayDeque<>();
        }
        free[s.mode()].push(s);
    }

    /** Static-call sites (boot classes) are not relinked: they read the state's link mode on every call. */
    private static void linkMode(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_STATE, STATE);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, Type.getInternalName(LiveOps.class), M_LINK_MODE, "()I", false);
    }

    /**
     * {@code static R name(args) { return Dispatch.target(args, MODE [| state.linkMode()]); }}: an
     * exit-hook ops' handlers run in this class, whose frames the grace period looks for.
     */
    private static void forwardGraph(ClassWriter cw, String name, String desc, String target, int mode, boolean linkMode) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, desc, null, null);
        mv.visitCode();
        int local = 0;
        for (Type t : Type.getArgumentTypes(desc)) {
            mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), local);
            local += t.getSize();
        }
        mv.visitLdcInsn(Integer.valueOf(mode));
        if (linkMode) {
            mv.visitVarInsn(Opcodes.ALOAD, 0); // the LiveOps
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, Type.getInternalName(LiveOps.class), M_LINK_MODE, "()I", false);
            mv.visitInsn(Opcodes.IOR);
        }
        Type ret = Type.getReturnType(desc);
        String targetDesc = desc.substring(0, desc.indexOf(')')) + "I)" + ret.getDescriptor();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, target, targetDesc, false);
        mv.visitInsn(ret.getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private Slot generate(int mode) {
        String name = TRAMPOLINE + "$" + GENERATED.incrementAndGet() + "_" + mode;
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

        for (int withRegs = 0; withRegs < 2; withRegs++) {
            mv = cw.visitMethod(Opcodes.ACC_STATIC, withRegs == 0 ? M_CALL : M_CALL_REGS,
                    withRegs == 0 ? CALL_DESC : CALL_REGS_DESC, null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.LLOAD, 1);
            mv.visitVarInsn(Opcodes.ALOAD, 3);
            mv.visitVarInsn(Opcodes.ALOAD, 4);
            if (withRegs == 0) {
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitVarInsn(Opcodes.ILOAD, 5);
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, 5);
                mv.visitVarInsn(Opcodes.ILOAD, 6);
            }
            mv.visitLdcInsn(Integer.valueOf(mode));
            mv.visitInsn(Opcodes.IOR);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "call", DISPATCH_DESC, false);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        mv = cw.visitMethod(0, "enterWithRegs", "(J" + REGS + ")V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_FUNC, FUNC);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_OPS, OPS);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_STATE, STATE);
        mv.visitVarInsn(Opcodes.ALOAD, 3);
        linkMode(mv);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, name, M_CALL_REGS, CALL_REGS_DESC, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // An exit-hook ops' handlers run in this ops' class (the grace period looks for its frames);
        // GraphSets' generated targets call these with their constants.
        forwardGraph(cw, GraphSets.G_ENTER, GraphSets.G_ENTER_DESC, "graphEnter", mode, true);
        forwardGraph(cw, GraphSets.G_EXIT, GraphSets.G_EXIT_DESC, "graphExit", mode, false);

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "enter", "(J)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_FUNC, FUNC);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_OPS, OPS);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, TRAMPOLINE, F_STATE, STATE);
        linkMode(mv);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, name, M_CALL, CALL_DESC, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();

        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> type = lookup.defineClass(cw.toByteArray());
            MethodHandle call = lookup.findStatic(type, M_CALL, CALL_TYPE);
            MethodHandle callRegs = lookup.findStatic(type, M_CALL_REGS, CALL_REGS_TYPE);
            MethodHandle ctor = lookup.findConstructor(type, MethodType.methodType(void.class, FtraceFunc.class,
                    FtraceOps.class, LiveOps.class));
            return new Slot(type, call, callRegs, ctor, mode);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define trampoline " + name, e);
        }
    }
}
