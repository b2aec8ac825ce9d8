package org.jftrace.internal.bytecode;

import static org.jftrace.internal.bytecode.HookInstrumenter.INDY_NAME;
import static org.jftrace.internal.bytecode.HookInstrumenter.LINK;
import static org.jftrace.internal.bytecode.HookInstrumenter.TYPE_HOOKS;

import org.jftrace.internal.bytecode.HookInstrumenter.Kind;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The hook with registers (SAVE_REGS), the larger of the two: see
 * {@link HookInstrumenter#instrument(byte[], java.util.Map, java.util.Set, HookInstrumenter.Kind)}.
 */
final class RegsEntryHook extends MethodVisitor {
    private static final String ARRAYS = "[J[Ljava/lang/Object;";
    private static final String REDIRECT_DESC = "(Ljava/lang/Object;Ljava/lang/Object;" + ARRAYS + ")Ljava/lang/Object;";
    private static final String REGS_INDY_DESC = "(Ljava/lang/Object;" + ARRAYS + ")Ljava/lang/Object;";
    private static final String ENTER_REGS_DESC = "(JLjava/lang/Object;" + ARRAYS + ")Ljava/lang/Object;";

    private final long ip;
    private final Kind kind;
    private final String owner;
    private final boolean isStatic;
    private final boolean isConstructor;
    private final Type[] args;
    private final Type ret;
    private final boolean frames;
    private final int argsSize;
    private final Label body = new Label();

    private void loadReceiver() {
        if (isStatic) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitVarInsn(Opcodes.ALOAD, 0);
        }
    }
    /** The body's first frame is still to be written: written by us unless the original code starts with one. */
    private boolean bodyFramePending;

    RegsEntryHook(MethodVisitor mv, long ip, Kind kind, String owner, int access, String name, String desc,
                  boolean frames) {
        super(Opcodes.ASM9, mv);
        this.ip = ip;
        this.kind = kind;
        this.owner = owner;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.isConstructor = name.equals("<init>");
        this.args = Type.getArgumentTypes(desc);
        this.ret = Type.getReturnType(desc);
        this.frames = frames;
        int size = isStatic ? 0 : 1;
        for (Type t : args) {
            size += t.getSize();
        }
        this.argsSize = size;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        final int primsLocal = argsSize;
        final int refsLocal = argsSize + 1;
        final int resultLocal = argsSize + 2;
        // Argument i goes to prims[i] as raw bits if primitive, else to refs[i]. Nothing is
        // boxed (see Hooks.CHANGED).
        push(args.length);
        super.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_LONG);
        super.visitVarInsn(Opcodes.ASTORE, primsLocal);
        push(args.length);
        super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        super.visitVarInsn(Opcodes.ASTORE, refsLocal);
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < args.length; i++) {
            boolean primitive = isPrimitive(args[i]);
            super.visitVarInsn(Opcodes.ALOAD, primitive ? primsLocal : refsLocal);
            push(i);
            super.visitVarInsn(args[i].getOpcode(Opcodes.ILOAD), slot);
            if (primitive) {
                toRawBits(args[i]);
                super.visitInsn(Opcodes.LASTORE);
            } else {
                super.visitInsn(Opcodes.AASTORE);
            }
            slot += args[i].getSize();
        }
        if (kind == Kind.STATIC) {
            super.visitLdcInsn(Long.valueOf(ip));
        }
        if (isStatic || isConstructor) {
            super.visitInsn(Opcodes.ACONST_NULL); // a constructor's receiver is not readable before super()
        } else {
            super.visitVarInsn(Opcodes.ALOAD, 0);
        }
        super.visitVarInsn(Opcodes.ALOAD, primsLocal);
        super.visitVarInsn(Opcodes.ALOAD, refsLocal);
        if (kind == Kind.INDY) {
            super.visitInvokeDynamicInsn(INDY_NAME, REGS_INDY_DESC, LINK, Long.valueOf(ip));
        } else {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, TYPE_HOOKS, "enterRegs", ENTER_REGS_DESC, false);
        }
        // null: nothing changed. Else reload the arguments, and run the redirect if that is what came back.
        super.visitInsn(Opcodes.DUP);
        super.visitVarInsn(Opcodes.ASTORE, resultLocal);
        super.visitJumpInsn(Opcodes.IFNULL, body);
        slot = isStatic ? 0 : 1;
        for (int i = 0; i < args.length; i++) {
            if (isPrimitive(args[i])) {
                super.visitVarInsn(Opcodes.ALOAD, primsLocal);
                push(i);
                super.visitInsn(Opcodes.LALOAD);
                fromRawBits(args[i]);
            } else {
                super.visitVarInsn(Opcodes.ALOAD, refsLocal);
                push(i);
                super.visitInsn(Opcodes.AALOAD);
                checkcast(args[i]);
            }
            super.visitVarInsn(args[i].getOpcode(Opcodes.ISTORE), slot);
            slot += args[i].getSize();
        }
        if (!isConstructor) {
            super.visitVarInsn(Opcodes.ALOAD, resultLocal);
            super.visitFieldInsn(Opcodes.GETSTATIC, TYPE_HOOKS, "CHANGED", "Ljava/lang/Object;");
            super.visitJumpInsn(Opcodes.IF_ACMPEQ, body);
            if (kind == Kind.INDY) {
                // its own call site, which learns the redirect it sees (an inline cache); a
                // primitive result comes back as raw bits, so no box is made for it either
                super.visitVarInsn(Opcodes.ALOAD, primsLocal);
                super.visitVarInsn(Opcodes.ALOAD, refsLocal);
                loadReceiver();
                super.visitVarInsn(Opcodes.ALOAD, resultLocal);
                super.visitInvokeDynamicInsn(INDY_NAME, redirectIndyDesc(ret), LINK, Long.valueOf(ip));
                if (isPrimitive(ret)) {
                    fromRawBits(ret);
                } else if (ret.getSort() != Type.VOID) {
                    checkcast(ret);
                }
            } else {
                super.visitVarInsn(Opcodes.ALOAD, resultLocal);
                loadReceiver();
                super.visitVarInsn(Opcodes.ALOAD, primsLocal);
                super.visitVarInsn(Opcodes.ALOAD, refsLocal);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, TYPE_HOOKS, "redirect", REDIRECT_DESC, false);
                if (ret.getSort() == Type.VOID) {
                    super.visitInsn(Opcodes.POP);
                } else if (isPrimitive(ret)) {
                    super.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Long");
                    super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Long", "longValue", "()J", false);
                    fromRawBits(ret);
                } else {
                    checkcast(ret);
                }
            }
            super.visitInsn(ret.getOpcode(Opcodes.IRETURN));
        }
        super.visitLabel(body);
        bodyFramePending = frames;
    }

    /** The original code starts: write the body's frame unless the original brings its own. */
    private void startBody() {
        if (bodyFramePending) {
            bodyFramePending = false;
            frame();
        }
    }

    /** The body's frame: the arguments only (the hook's arrays are dead there), empty stack. */
    private void frame() {
        if (!frames) {
            return;
        }
        java.util.List<Object> locals = new java.util.ArrayList<>();
        if (!isStatic) {
            locals.add(isConstructor ? Opcodes.UNINITIALIZED_THIS : owner);
        }
        for (Type t : args) {
            locals.add(frameType(t));
        }
        super.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
    }

    /** The stack map type of a value of type {@code t} in a local (ExitHook's T too). */
    static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                return Opcodes.INTEGER;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return t.getInternalName();
        }
    }

    private void push(int n) {
        if (n <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + n);
        } else if (n <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, n);
        } else {
            super.visitIntInsn(Opcodes.SIPUSH, n);
        }
    }

    private static boolean isPrimitive(Type t) {
        return t.getSort() >= Type.BOOLEAN && t.getSort() <= Type.DOUBLE;
    }

    /** The redirect site returns a primitive as raw bits, a reference as Object, or nothing. */
    private static String redirectIndyDesc(Type ret) {
        String result = ret.getSort() == Type.VOID ? "V" : isPrimitive(ret) ? "J" : "Ljava/lang/Object;";
        return "(" + ARRAYS + "Ljava/lang/Object;Ljava/lang/Object;)" + result; // receiver, redirect
    }

    /** The primitive on the stack to its raw bits as a long (see {@code Hooks.CHANGED}). */
    private void toRawBits(Type t) {
        switch (t.getSort()) {
            case Type.LONG:
                return;
            case Type.FLOAT:
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                super.visitInsn(Opcodes.I2L);
                return;
            case Type.DOUBLE:
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
                return;
            default:
                super.visitInsn(Opcodes.I2L);
        }
    }

    /** Raw bits on the stack back to a value of type {@code t}, narrowed as the verifier and the body expect. */
    private void fromRawBits(Type t) {
        switch (t.getSort()) {
            case Type.LONG:
                return;
            case Type.DOUBLE:
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                return;
            case Type.FLOAT:
                super.visitInsn(Opcodes.L2I);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                return;
            case Type.BOOLEAN:
                super.visitInsn(Opcodes.L2I);
                super.visitInsn(Opcodes.ICONST_1);
                super.visitInsn(Opcodes.IAND);
                return;
            case Type.BYTE:
                super.visitInsn(Opcodes.L2I);
                super.visitInsn(Opcodes.I2B);
                return;
            case Type.CHAR:
                super.visitInsn(Opcodes.L2I);
                super.visitInsn(Opcodes.I2C);
                return;
            case Type.SHORT:
                super.visitInsn(Opcodes.L2I);
                super.visitInsn(Opcodes.I2S);
                return;
            default:
                super.visitInsn(Opcodes.L2I);
        }
    }

    private void checkcast(Type t) {
        if (!t.getDescriptor().equals("Ljava/lang/Object;")) {
            super.visitTypeInsn(Opcodes.CHECKCAST, t.getSort() == Type.ARRAY ? t.getDescriptor() : t.getInternalName());
        }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        bodyFramePending = false; // the original's first frame stands at the body's start
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        startBody();
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        startBody();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        startBody();
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        startBody();
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String o, String name, String descriptor) {
        startBody();
        super.visitFieldInsn(opcode, o, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String o, String name, String descriptor, boolean isInterface) {
        startBody();
        super.visitMethodInsn(opcode, o, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... bsmArgs) {
        startBody();
        super.visitInvokeDynamicInsn(name, descriptor, bsm, bsmArgs);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        startBody();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        startBody();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        startBody();
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        startBody();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        startBody();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        startBody();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        // At most: the redirect, the receiver and both arrays; or the ip (static kind, two
        // slots), the receiver and both arrays; three more locals (the arrays, the result).
        super.visitMaxs(Math.max(maxStack, 6), Math.max(maxLocals, argsSize + 3));
    }
}
