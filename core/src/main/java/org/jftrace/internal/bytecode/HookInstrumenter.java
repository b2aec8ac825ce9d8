package org.jftrace.internal.bytecode;

import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Adds an entry hook to chosen methods of a class file and forwards everything else untouched
 * (reader, then this, then a writer that copies the constant pool and the unchanged methods).
 *
 * <p>The hook is two instructions at offset 0, with an empty operand stack and no branch, so the
 * method's own stack map frames stay valid and none is computed (no class is ever loaded here):
 * <ul>
 * <li>{@link Kind#INDY}: {@code invokedynamic hook()V} bootstrapped by
 *     {@code Hooks.link(Lookup, String, MethodType, long ip)};</li>
 * <li>{@link Kind#STATIC}: {@code ldc2_w ip; invokestatic Hooks.enter(J)V}.</li>
 * </ul>
 * A constructor's hook also runs first, before {@code super()}: it touches no {@code this}.
 */
public final class HookInstrumenter {
    static final String TYPE_HOOKS = "org/jftrace/internal/boot/Hooks";
    static final String METHOD_ENTER = "enter";
    static final String METHOD_ENTER_DESC = "(J)V";
    static final String METHOD_LINK = "link";
    static final String METHOD_LINK_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;J)Ljava/lang/invoke/CallSite;";
    static final String INDY_NAME = "jftraceHook";
    static final String INDY_DESC = "()V";
    private static final Handle LINK = new Handle(Opcodes.H_INVOKESTATIC, TYPE_HOOKS, METHOD_LINK,
            METHOD_LINK_DESC, false);

    /** The hook site kind. */
    public enum Kind {
        /** invokedynamic on a per-method call site: the JIT inlines the callbacks. */
        INDY,
        /** invokestatic of the shared dispatcher: for boot/platform classes and class files before 51. */
        STATIC
    }

    private HookInstrumenter() {
    }

    /**
     * {@return {@code bytes} with a hook at the entry of each method in {@code ips}}
     *
     * @param ips  ip of each method to hook, keyed by {@code name + descriptor}
     * @throws IllegalArgumentException for {@link Kind#INDY} on a class file older than version 51
     * @throws RuntimeException from ASM when the result is invalid, e.g. a method over 64 KiB
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, Kind kind) {
        return instrument(bytes, ips, java.util.Collections.<String>emptySet(), kind);
    }

    /**
     * Like {@link #instrument(byte[], Map, Kind)}; the methods in {@code withRegs} (keys as in
     * {@code ips}) get the hook that saves registers: it passes the receiver and the arguments
     * (primitives as raw bits in a {@code long[]}, references in an {@code Object[]}; nothing is
     * boxed) and, when the call returns non-null, reloads the arguments from the arrays and, if
     * the call returned a redirect rather than {@code Hooks.CHANGED},
     * returns {@code Hooks.redirect}'s result instead of running the body (never in a constructor,
     * whose body must call {@code super()}).
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, java.util.Set<String> withRegs, Kind kind) {
        ClassReader reader = new ClassReader(bytes);
        if (kind == Kind.INDY && reader.readUnsignedShort(6) < Opcodes.V1_7) {
            throw new IllegalArgumentException("class file version " + reader.readUnsignedShort(6)
                    + " cannot hold invokedynamic; use Kind.STATIC");
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        // Regs hooks branch, so they add frames; ASM wants a method's frames all expanded then.
        reader.accept(new Inserter(writer, ips, withRegs, kind), withRegs.isEmpty() ? 0 : ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    private static final class Inserter extends ClassVisitor {
        private final Map<String, Long> ips;
        private final java.util.Set<String> withRegs;
        private final Kind kind;
        private String owner;
        private int version;

        Inserter(ClassVisitor cv, Map<String, Long> ips, java.util.Set<String> withRegs, Kind kind) {
            super(Opcodes.ASM9, cv);
            this.ips = ips;
            this.withRegs = withRegs;
            this.kind = kind;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.owner = name;
            this.version = version & 0xFFFF;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            Long ip = ips.get(name + descriptor);
            if (ip == null || mv == null) {
                return mv;
            }
            if (withRegs.contains(name + descriptor)) {
                return new RegsEntryHook(mv, ip.longValue(), kind, owner, access, name, descriptor,
                        version >= Opcodes.V1_6);
            }
            return new EntryHook(mv, ip.longValue(), kind);
        }
    }

    private static final class EntryHook extends MethodVisitor {
        private final long ip;
        private final Kind kind;

        EntryHook(MethodVisitor mv, long ip, Kind kind) {
            super(Opcodes.ASM9, mv);
            this.ip = ip;
            this.kind = kind;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (kind == Kind.INDY) {
                super.visitInvokeDynamicInsn(INDY_NAME, INDY_DESC, LINK, Long.valueOf(ip));
            } else {
                super.visitLdcInsn(Long.valueOf(ip));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, TYPE_HOOKS, METHOD_ENTER, METHOD_ENTER_DESC, false);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // The static hook pushes a long (two slots) on an empty stack; the indy hook pushes nothing.
            super.visitMaxs(Math.max(maxStack, 2), maxLocals);
        }
    }

    /** The hook with registers; see {@link #instrument(byte[], Map, java.util.Set, Kind)}. */
    private static final class RegsEntryHook extends MethodVisitor {
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

        private static Object frameType(Type t) {
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
}
