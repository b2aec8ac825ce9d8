package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.FgraphEntryFunc;
import org.jftrace.FgraphOps;
import org.jftrace.FgraphRetFunc;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The exit-hook targets, one generated {@link GraphHook} subclass per set of exit-hook ops, shared
 * by every method with that set. Under the control plane's lock.
 *
 * <p>Generated {@code GraphHook$N} (for a set of K ops, slots 0..K-1):
 * <pre>
 * static final LiveOps S0; static final FgraphOps G0; static final FgraphEntryFunc E0; static final FgraphRetFunc R0; ...
 * long enter(long ip, int depth, int slot) { switch (slot) { case 0: return Trampoline$K0.gEnter(S0, E0, G0, ip, depth); ... } }
 * void exit(long ip, int depth, int slot, long data, int how, Object value, long bits) {
 *     if (data != NO_EXIT) switch (slot) { case 0: Trampoline$K0.gExit(S0, R0, G0, ip, depth, data, how, value, bits); ... } }
 * void exitLast(...) { the same; pop(depth); }
 * </pre>
 * Static finals are constants to the JIT: the handlers' exact classes are known, their calls inlined.
 * Each class is hidden, so a retired set's class and its constants are collected once no frame or
 * exit table holds its instance (a churn of exit-hook ops leaves nothing behind).
 */
public final class GraphSets {
    private static final String BASE = Type.getInternalName(GraphHook.class);
    private static final String STATE = Type.getDescriptor(LiveOps.class);
    private static final String GOPS = Type.getDescriptor(FgraphOps.class);
    private static final String ENTRY = Type.getDescriptor(FgraphEntryFunc.class);
    private static final String RET = Type.getDescriptor(FgraphRetFunc.class);
    static final String G_ENTER = "gEnter";
    static final String G_ENTER_DESC = "(" + STATE + ENTRY + GOPS + "JI)J";
    static final String G_EXIT = "gExit";
    static final String G_EXIT_DESC = "(" + STATE + RET + GOPS + "JIJILjava/lang/Object;J)V";
    private static final AtomicInteger GENERATED = new AtomicInteger();

    /** What the class being initialised takes in its static initialiser; see {@link #handOver()}. */
    private static Object[] handing;

    private final Map<List<LiveOps>, GraphHook> sets = new HashMap<>();

    /** {@return the target of {@code graph}, made on first use} Every ops must be registered (have its trampoline). */
    public GraphHook of(LiveOps[] graph) {
        List<LiveOps> key = Arrays.asList(graph.clone());
        GraphHook g = sets.get(key);
        if (g == null) {
            g = generate(graph);
            sets.put(key, g);
        }
        return g;
    }

    /** Forgets every set that holds {@code s} (it is being unregistered): frames that hold one keep it. */
    public void retire(LiveOps s) {
        sets.values().removeIf(g -> g.has(s));
    }

    /** Called by a generated class's static initialiser: {@return the constants of its slots} */
    public static Object[] handOver() {
        Object[] h = handing;
        handing = null;
        return h;
    }

    private static GraphHook generate(LiveOps[] graph) {
        String name = BASE + "$" + GENERATED.incrementAndGet();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                name, null, BASE, null);
        cw.visitSource("GraphHook.java", null);
        int k = graph.length;
        for (int i = 0; i < k; i++) {
            int acc = Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_PRIVATE;
            cw.visitField(acc, "S" + i, STATE, null, null).visitEnd();
            cw.visitField(acc, "G" + i, GOPS, null, null).visitEnd();
            cw.visitField(acc, "E" + i, ENTRY, null, null).visitEnd();
            cw.visitField(acc, "R" + i, RET, null, null).visitEnd();
        }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(GraphSets.class), "handOver",
                "()[Ljava/lang/Object;", false);
        mv.visitVarInsn(Opcodes.ASTORE, 0);
        String[] fields = {"S", "G", "E", "R"};
        String[] descs = {STATE, GOPS, ENTRY, RET};
        for (int i = 0; i < k; i++) {
            for (int f = 0; f < 4; f++) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitLdcInsn(Integer.valueOf(4 * i + f));
                mv.visitInsn(Opcodes.AALOAD);
                mv.visitTypeInsn(Opcodes.CHECKCAST, Type.getType(descs[f]).getInternalName());
                mv.visitFieldInsn(Opcodes.PUTSTATIC, name, fields[f] + i, descs[f]);
            }
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "([" + STATE + ")V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, BASE, "<init>", "([" + STATE + ")V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // long enter(long ip, int depth, int slot): this=0, ip=1-2, depth=3, slot=4
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "enter", "(JII)J", null, null);
        mv.visitCode();
        Label[] cases = labels(k);
        Label none = new Label();
        mv.visitVarInsn(Opcodes.ILOAD, 4);
        mv.visitTableSwitchInsn(0, k - 1, none, cases);
        for (int i = 0; i < k; i++) {
            mv.visitLabel(cases[i]);
            slotConstants(mv, name, i, "E", ENTRY);
            mv.visitVarInsn(Opcodes.LLOAD, 1);
            mv.visitVarInsn(Opcodes.ILOAD, 3);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(graph[i].slot.type()), G_ENTER, G_ENTER_DESC,
                    false);
            mv.visitInsn(Opcodes.LRETURN);
        }
        mv.visitLabel(none);
        mv.visitLdcInsn(Long.valueOf(NO_EXIT));
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        exitMethod(cw, name, graph, "exit");
        exitMethod(cw, name, graph, "exitLast");
        cw.visitEnd();

        List<Object> constants = new ArrayList<>();
        for (LiveOps s : graph) {
            FgraphOps g = s.graph;
            constants.addAll(List.of(s, g, g.entryFunc(), g.retFunc()));
        }
        try {
            // Hidden: the class goes with its last instance (no loader keeps it), and its constants (the
            // ops' handlers and what they hold) with it, once a retired set is off every frame and table.
            MethodHandles.Lookup lookup;
            synchronized (GraphSets.class) {
                handing = constants.toArray();
                try {
                    lookup = MethodHandles.lookup().defineHiddenClass(cw.toByteArray(), true);
                } finally {
                    handing = null;
                }
            }
            return (GraphHook) lookup.findConstructor(lookup.lookupClass(), java.lang.invoke.MethodType.methodType(
                    void.class, LiveOps[].class)).invoke((Object) graph.clone());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the exit-hook target " + name, e);
        }
    }

    /**
     * Makes, uses and retires one set before the transformer is added, so that the JDK classes this
     * takes (ASM's writer, class definition, the lists the cache keys on) are loaded: loaded from
     * inside a register that hooks them, they fail with ClassCircularityError.
     */
    public static void warmUp() {
        FgraphOps g = FgraphOps.builder((ip, parentIp, depth, o) -> 1L, (ip, data, depth, exit, value, bits, o) -> { })
                .name("jftrace-warm-up").build();
        LiveOps s = new LiveOps(g.ops());
        TrampolinePool pool = new TrampolinePool();
        s.slot = pool.take(Dispatch.modeOf(g.ops()));
        GraphSets sets = new GraphSets();
        GraphHook h = sets.of(new LiveOps[] {s});
        if (sets.of(new LiveOps[] {s}) != h) {
            throw new IllegalStateException("exit-hook sets: the same set made twice");
        }
        int word = h.push();
        h.exit(0L, word, 0, h.enter(0L, word, 0), org.jftrace.internal.boot.GraphTarget.RETURN, null, 0L);
        h.pop(word);
        word = h.push();
        h.exitLast(0L, word, 0, h.enter(0L, word, 0), org.jftrace.internal.boot.GraphTarget.RETURN, null, 0L);
        sets.retire(s);
    }

    /**
     * {@code void exit(long ip, int depth, int slot, long data, int how, Object value, long bits)}, and
     * {@code exitLast}: the same, then {@code pop(depth)}. this=0, ip=1-2, depth=3, slot=4, data=5-6,
     * how=7, value=8, bits=9-10.
     */
    private static void exitMethod(ClassWriter cw, String name, LiveOps[] graph, String method) {
        boolean last = method.equals("exitLast");
        int k = graph.length;
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, method, "(JIIJILjava/lang/Object;J)V", null, null);
        mv.visitCode();
        Label done = new Label();
        mv.visitVarInsn(Opcodes.LLOAD, 5);
        mv.visitLdcInsn(Long.valueOf(NO_EXIT));
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFEQ, done);
        Label[] exits = labels(k);
        mv.visitVarInsn(Opcodes.ILOAD, 4);
        mv.visitTableSwitchInsn(0, k - 1, done, exits);
        for (int i = 0; i < k; i++) {
            mv.visitLabel(exits[i]);
            slotConstants(mv, name, i, "R", RET);
            mv.visitVarInsn(Opcodes.LLOAD, 1);
            mv.visitVarInsn(Opcodes.ILOAD, 3);
            mv.visitVarInsn(Opcodes.LLOAD, 5);
            mv.visitVarInsn(Opcodes.ILOAD, 7);
            mv.visitVarInsn(Opcodes.ALOAD, 8);
            mv.visitVarInsn(Opcodes.LLOAD, 9);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(graph[i].slot.type()), G_EXIT, G_EXIT_DESC,
                    false);
            mv.visitJumpInsn(Opcodes.GOTO, done);
        }
        mv.visitLabel(done);
        if (last) {
            // pop is final in GraphHook: a direct call the JIT inlines
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.ILOAD, 3);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BASE, "pop", "(I)V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Pushes slot {@code i}'s ops state, its handler (field {@code handler}, type {@code desc}) and its ops: the trampoline's first arguments. */
    private static void slotConstants(MethodVisitor mv, String name, int i, String handler, String desc) {
        mv.visitFieldInsn(Opcodes.GETSTATIC, name, "S" + i, STATE);
        mv.visitFieldInsn(Opcodes.GETSTATIC, name, handler + i, desc);
        mv.visitFieldInsn(Opcodes.GETSTATIC, name, "G" + i, GOPS);
    }

    private static Label[] labels(int n) {
        Label[] l = new Label[n];
        for (int i = 0; i < n; i++) {
            l[i] = new Label();
        }
        return l;
    }

    private static final long NO_EXIT = org.jftrace.internal.boot.GraphTarget.NO_EXIT;
}
