package org.jftrace.internal.bytecode;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AnalyzerAdapter;

/**
 * Adds exit hooks to one method (the kernel's fgraph return hook, done on the method's own frame):
 * <pre>
 * entry:   P = Hooks.ip(hi, lo); R = Hooks.graph(P); D = R.push(); V[i] = R.enter(P, D, i)     for each of the K ops
 * return:  T = value; goto X            X: R.exit(P, D, i, V[i], RETURN, ref, bits) ... R.exitLast(.., 0, ..); return T
 *          (a method with one return, or without frames, has the exits in place of the goto)
 * throw:   a catch-all handler over the whole body: the same with THROW and the exception, then rethrow
 * </pre>
 * The ip comes from two {@code sipush} operands into a local, not from a {@code CONSTANT_Long}: a
 * constant per method is one the JVM's constant-pool merge searches the class's whole old pool for
 * on its first retransformation (a fifth of the first exit-hook register on every method; BENCHMARKS.md).
 * R, D, P, V[i] and T are locals after the method's own (and after a register-saving hook's), so the
 * body never sees them; every stack map frame of the method gets them appended (which needs expanded
 * frames), and the handler's frame declares only them, everything else TOP. The frame keeps R, so an
 * exit goes to the ops its entry went to, whatever was relinked meanwhile.
 *
 * <p>A constructor's code before {@code super()} (or {@code this()}), where {@code this} is
 * uninitialised, gets a handler of its own whose frame says so (the verifier allows it because the
 * handler only rethrows): an exception thrown while the arguments of {@code super()} are computed
 * exits the constructor. The {@code super()} call itself cannot be covered (HotSpot checks a handler
 * over it with {@code this} initialised yet flagged uninitialised, which no frame matches): an
 * exception thrown by the superclass's constructor leaves this one without its exit (the depth is
 * set right again by the next exit below it). The call is found as the first
 * {@code invokespecial <init>} with no {@code new} pending, as javac lays constructors out.
 * Ranges stop around the exit code itself, so an exit never runs twice.
 */
final class ExitHook extends MethodVisitor {
    static final String GRAPH = "org/jftrace/internal/boot/GraphTarget";
    private static final String HOOKS = HookInstrumenter.TYPE_HOOKS;
    private static final String EXIT_DESC = "(JIIJILjava/lang/Object;J)V";

    private final long ip;
    private final int slots;
    private final boolean frames;
    private final Type ret;
    private final int r;
    private final int d;
    private final int p;
    private final int v;
    private final int t;

    /** True in a constructor until {@code super()} returned. */
    private boolean preSuper;
    private int pendingNews;

    /** The method's stack as its own code leaves it, when its returns share one exit block; else null. */
    private AnalyzerAdapter stack;
    /** The shared return block, made at the first return. */
    private Label exit;
    private Label segmentStart;
    private boolean segmentPreSuper;
    private boolean segmentHasCode;
    /** Ranges the catch-all covers: start, end, and whether {@code this} is uninitialised there. */
    private final List<Object[]> ranges = new ArrayList<>();

    /**
     * @param base    the first local free for the hook: past the method's own and a regs hook's
     * @param slots   how many exit-hook ops the method carries (one data local each)
     * @param frames  whether the class file has stack map frames (version 50 and later)
     */
    ExitHook(MethodVisitor mv, long ip, int slots, String name, String descriptor, int base, boolean frames) {
        super(Opcodes.ASM9, mv);
        this.ip = ip;
        this.slots = slots;
        this.frames = frames;
        this.ret = Type.getReturnType(descriptor);
        this.preSuper = "<init>".equals(name);
        this.r = base;
        this.d = base + 1;
        this.p = base + 2;
        this.v = base + 4;
        this.t = base + 4 + 2 * slots;
    }

    /**
     * Makes the returns jump to one copy of the exits ({@link #returns()}) rather than each carry its own.
     * {@code stack} must see the method's code before any hook's, first in the chain.
     */
    void shareReturns(AnalyzerAdapter stack) {
        this.stack = stack;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        super.visitIntInsn(Opcodes.SIPUSH, HookInstrumenter.ipHigh(ip));
        super.visitIntInsn(Opcodes.SIPUSH, HookInstrumenter.ipLow(ip));
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "ip", "(II)J", false);
        super.visitVarInsn(Opcodes.LSTORE, p);
        super.visitVarInsn(Opcodes.LLOAD, p);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "graph", "(J)L" + GRAPH + ";", false);
        super.visitVarInsn(Opcodes.ASTORE, r);
        super.visitVarInsn(Opcodes.ALOAD, r);
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, GRAPH, "push", "()I", false);
        super.visitVarInsn(Opcodes.ISTORE, d);
        for (int i = 0; i < slots; i++) {
            super.visitVarInsn(Opcodes.ALOAD, r);
            super.visitVarInsn(Opcodes.LLOAD, p);
            super.visitVarInsn(Opcodes.ILOAD, d);
            pushInt(i);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, GRAPH, "enter", "(JII)J", false);
            super.visitVarInsn(Opcodes.LSTORE, v + 2 * i);
        }
        open();
    }

    private void open() {
        segmentStart = new Label();
        super.visitLabel(segmentStart);
        segmentPreSuper = preSuper;
        segmentHasCode = false;
    }

    private void close() {
        if (segmentStart != null && segmentHasCode) {
            Label end = new Label();
            super.visitLabel(end);
            ranges.add(new Object[] {segmentStart, end, segmentPreSuper});
        }
        segmentStart = null;
    }

    private void pushInt(int i) {
        if (i <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + i);
        } else {
            super.visitIntInsn(Opcodes.BIPUSH, i);
        }
    }

    /** The exits of every ops, last entered first, the last one with the depth back; {@code value} already in T if any. */
    private void exits(int how, boolean valueInT) {
        for (int i = slots - 1; i >= 0; i--) {
            super.visitVarInsn(Opcodes.ALOAD, r);
            super.visitVarInsn(Opcodes.LLOAD, p);
            super.visitVarInsn(Opcodes.ILOAD, d);
            pushInt(i);
            super.visitVarInsn(Opcodes.LLOAD, v + 2 * i);
            pushInt(how);
            if (!valueInT) {
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitInsn(Opcodes.LCONST_0);
            } else if (how == 1 || ret.getSort() == Type.OBJECT || ret.getSort() == Type.ARRAY) {
                super.visitVarInsn(Opcodes.ALOAD, t);
                super.visitInsn(Opcodes.LCONST_0);
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
                rawBits();
            }
            // the first entered exits last, and puts the depth back in the same call
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, GRAPH, i == 0 ? "exitLast" : "exit", EXIT_DESC, false);
        }
    }

    /** Pushes the primitive return value kept in T as raw bits in a long (as {@code Hooks.CHANGED} says). */
    private void rawBits() {
        switch (ret.getSort()) {
            case Type.LONG:
                super.visitVarInsn(Opcodes.LLOAD, t);
                break;
            case Type.DOUBLE:
                super.visitVarInsn(Opcodes.DLOAD, t);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
                break;
            case Type.FLOAT:
                super.visitVarInsn(Opcodes.FLOAD, t);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                super.visitInsn(Opcodes.I2L);
                break;
            default:
                super.visitVarInsn(Opcodes.ILOAD, t);
                super.visitInsn(Opcodes.I2L);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            close();
            boolean value = opcode != Opcodes.RETURN;
            if (value) {
                super.visitVarInsn(ret.getOpcode(Opcodes.ISTORE), t);
            }
            if (stack != null && stack.stack != null) {
                drain(stack.stack, value ? ret.getSize() : 0);
                if (exit == null) {
                    exit = new Label();
                }
                super.visitJumpInsn(Opcodes.GOTO, exit);
            } else {
                exits(0, value);
                if (value) {
                    super.visitVarInsn(ret.getOpcode(Opcodes.ILOAD), t);
                }
                super.visitInsn(opcode);
            }
            open();
            return;
        }
        segmentHasCode = true;
        super.visitInsn(opcode);
    }

    /**
     * Pops what a return leaves under its value (javac leaves nothing; generated code may, such as
     * jlink's {@code SystemModules}): a jump carries the stack, and the shared block's frame says it is empty.
     * {@code types} is the stack before the return, a long or double as its type then TOP.
     */
    private void drain(List<Object> types, int valueSlots) {
        for (int k = types.size() - valueSlots - 1; k >= 0; k--) {
            if (types.get(k) == Opcodes.TOP && k > 0
                    && (types.get(k - 1) == Opcodes.LONG || types.get(k - 1) == Opcodes.DOUBLE)) {
                super.visitInsn(Opcodes.POP2);
                k--;
            } else {
                super.visitInsn(Opcodes.POP);
            }
        }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (!frames) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("exit hooks need expanded frames");
        }
        List<Object> l = new ArrayList<>(numLocal + 8);
        int size = 0;
        for (int k = 0; k < numLocal; k++) {
            l.add(local[k]);
            size += local[k] == Opcodes.LONG || local[k] == Opcodes.DOUBLE ? 2 : 1;
        }
        super.visitFrame(Opcodes.F_NEW, padded(l, size), l.toArray(), numStack, stack);
    }

    /** Appends TOP up to R, then R, D, P and the data locals; {@return the number of entries} */
    private int padded(List<Object> l, int size) {
        if (size > r) {
            throw new IllegalStateException("a frame declares " + size + " local slots, past the exit hook's " + r);
        }
        for (; size < r; size++) {
            l.add(Opcodes.TOP);
        }
        l.add(GRAPH);
        l.add(Opcodes.INTEGER);
        l.add(Opcodes.LONG);
        for (int i = 0; i < slots; i++) {
            l.add(Opcodes.LONG);
        }
        return l.size();
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        segmentHasCode = true;
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        segmentHasCode = true;
        super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        segmentHasCode = true;
        if (opcode == Opcodes.NEW && preSuper) {
            pendingNews++;
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        segmentHasCode = true;
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (preSuper && opcode == Opcodes.INVOKESPECIAL && "<init>".equals(name)) {
            if (pendingNews > 0) {
                pendingNews--;
            } else {
                // The super() call itself stays outside both ranges: HotSpot checks a handler over it
                // with `this` initialised but still flagged uninitialised, which no frame can match.
                close();
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                preSuper = false;
                open();
                return;
            }
        }
        segmentHasCode = true;
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, org.objectweb.asm.Handle bsm, Object... args) {
        segmentHasCode = true;
        super.visitInvokeDynamicInsn(name, descriptor, bsm, args);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        segmentHasCode = true;
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        segmentHasCode = true;
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        segmentHasCode = true;
        super.visitIincInsn(var, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        segmentHasCode = true;
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        segmentHasCode = true;
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        segmentHasCode = true;
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        close();
        returns();
        handler(true);
        handler(false);
        // exit's arguments (receiver, long, int, int, long, int, ref, long) over a return value
        super.visitMaxs(maxStack + 14, Math.max(maxLocals, t + 2));
    }

    /**
     * The one block every return jumps to, the value in T: one copy of the exits per method, not one
     * per return, so the JIT inlines the handlers' code once per method (a method with N returns
     * otherwise compiles N copies, each taking from the inlining budget of the method's own calls).
     * A return whose stack is unknown (code no frame reaches) keeps its own copy.
     */
    private void returns() {
        if (exit == null) {
            return;
        }
        super.visitLabel(exit);
        boolean value = ret.getSort() != Type.VOID;
        if (frames) {
            List<Object> l = new ArrayList<>();
            int n = padded(l, 0);
            if (value) {
                l.add(RegsEntryHook.frameType(ret));
                n++;
            }
            super.visitFrame(Opcodes.F_NEW, n, l.toArray(), 0, new Object[0]);
        }
        exits(0, value);
        if (value) {
            super.visitVarInsn(ret.getOpcode(Opcodes.ILOAD), t);
        }
        super.visitInsn(ret.getOpcode(Opcodes.IRETURN));
    }

    /** The catch-all for the ranges where {@code this} is (or is not) uninitialised, if any. */
    private void handler(boolean uninitialisedThis) {
        Label h = null;
        for (Object[] range : ranges) {
            if ((Boolean) range[2] == uninitialisedThis) {
                if (h == null) {
                    h = new Label();
                }
                super.visitTryCatchBlock((Label) range[0], (Label) range[1], h, null);
            }
        }
        if (h == null) {
            return;
        }
        super.visitLabel(h);
        if (frames) {
            List<Object> l = new ArrayList<>();
            int size = 0;
            if (uninitialisedThis) {
                l.add(Opcodes.UNINITIALIZED_THIS);
                size = 1;
            }
            super.visitFrame(Opcodes.F_NEW, padded(l, size), l.toArray(), 1, new Object[] {"java/lang/Throwable"});
        }
        super.visitVarInsn(Opcodes.ASTORE, t);
        exits(1, true);
        super.visitVarInsn(Opcodes.ALOAD, t);
        super.visitInsn(Opcodes.ATHROW);
    }
}
