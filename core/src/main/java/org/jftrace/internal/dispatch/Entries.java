package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.bytecode.HookInstrumenter;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The entry points that hooked methods call directly (the kernel's per-ops trampolines, which a
 * hooked function's {@code call} instruction names): one generated class in the boot bridge's
 * package per set of ops enabled together on some method, whose {@code static void enter(long ip)}
 * is one {@code invokedynamic} linked to the entry's {@link MutableCallSite}; the site's target is
 * the chain of those ops' trampolines ({@link CallChains#entryChain}).
 *
 * <p>Why a named class and {@code invokestatic} rather than an {@code invokedynamic} per method:
 * most hooked methods of a real program are warm, not hot, and run in the interpreter or C1, where
 * an {@code invokedynamic} costs a call through each of its LambdaForms and a method-handle chain
 * per method is thousands of small compilations. Here every method with the same ops calls one
 * {@code enter}, which the JIT compiles once with the chain inlined (the call site's target is a
 * constant to it), so a warm hooked call is one call into compiled code; a hot hooked method inlines
 * {@code enter} and the chain as before. No call site links on a program's thread either.
 *
 * <p>A hooked method's bytecode names its entry, so a change of the set of ops on a method
 * retransforms its class ({@code HookPlanner.shapeChanged}); a change of an ops' link mode only
 * retargets the entry. An entry whose set holds an ops that unregistered is retired: after the
 * grace period (no thread in it) its class is recycled for another set. Guarded by the ops list's
 * lock.
 */
public final class Entries {
    /** The type of an entry's call site: the chain takes the ip. */
    public static final MethodType ENTER_TYPE = MethodType.methodType(void.class, long.class);
    /** The type of {@code enter}, what hooked bytecode calls: the function index in two halves. */
    public static final MethodType HOOK_TYPE = MethodType.methodType(void.class, int.class, int.class);
    static final String ENTER = "enter";
    static final String ENTER_DESC = "(J)V";
    private static final String PACKAGE = Type.getInternalName(Hooks.class).substring(0,
            Type.getInternalName(Hooks.class).lastIndexOf('/') + 1);
    private static final MethodHandle NOP = MethodHandles.empty(ENTER_TYPE);
    /** Entry classes ever defined in this JVM: names stay unique across cores (tests make several). */
    private static final AtomicInteger DEFINED = new AtomicInteger();
    /** Bytes of {@code nop} that make {@code enter} 40 bytes long; see {@link #generate}. */
    static final int PADDING = 29;
    private static final org.objectweb.asm.Handle LINK_ENTRY = new org.objectweb.asm.Handle(Opcodes.H_INVOKESTATIC,
            Type.getInternalName(Hooks.class), "linkEntry", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;", false);

    /** One entry: its class (named in hooked bytecode), call site and current set of ops. */
    public static final class Entry {
        final Class<?> type;
        /** The class's internal name, which hooks name in {@code invokestatic}. */
        public final String owner;
        final MutableCallSite site;
        /** The ops it runs, newest first; {@link LiveOps#NONE} while in the pool. */
        LiveOps[] ops = LiveOps.NONE;
        /** Each ops' link mode the current target was built with; null: no target built yet. */
        int[] linkedModes;

        Entry(Class<?> type, MutableCallSite site) {
            this.type = type;
            this.owner = Type.getInternalName(type);
            this.site = site;
        }

        /** {@return the class name, for the grace period's stack scan} */
        public String className() {
            return type.getName();
        }

        @Override
        public String toString() {
            return owner + Arrays.toString(ops);
        }
    }

    /** Key: a set of ops in order, compared by identity. */
    private record Key(LiveOps[] ops) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k) || k.ops.length != ops.length) {
                return false;
            }
            for (int i = 0; i < ops.length; i++) {
                if (ops[i] != k.ops[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (LiveOps s : ops) {
                h = 31 * h + System.identityHashCode(s);
            }
            return h;
        }
    }

    private final Map<Key, Entry> bySet = new HashMap<>();
    private final ArrayDeque<Entry> free = new ArrayDeque<>();
    private final MethodHandles.Lookup bridge;

    public Entries() {
        try {
            // The boot bridge's package: an entry is visible to every class, as Hooks is.
            bridge = MethodHandles.privateLookupIn(Hooks.class, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define entries beside " + Hooks.class.getName(), e);
        }
    }

    /**
     * {@return the entry for the ops {@code enabled} (newest first), made or recycled if needed}
     * Its target is not set here: {@link Relinker} points it at the chain once per batch.
     */
    Entry of(LiveOps[] enabled) {
        Key k = new Key(enabled);
        Entry e = bySet.get(k);
        if (e == null) {
            e = free.poll();
            if (e == null) {
                e = define();
            }
            e.ops = enabled.clone();
            e.linkedModes = null;
            bySet.put(new Key(e.ops), e);
        }
        return e;
    }

    /**
     * Points {@code e} at the current chain of its ops, if that changed (new entry, or an ops' link
     * mode). {@return its call site, to be synchronised, or null if unchanged} Never retargets for
     * nothing: each retarget deoptimises every compiled method that inlined the entry, and classes
     * hooked as they load relink their methods' entries one class at a time.
     */
    static MutableCallSite retarget(Entry e) {
        int[] modes = new int[e.ops.length];
        for (int i = 0; i < modes.length; i++) {
            modes[i] = e.ops[i].linkMode();
        }
        if (Arrays.equals(modes, e.linkedModes)) {
            return null;
        }
        e.site.setTarget(CallChains.entryChain(e.ops));
        e.linkedModes = modes;
        return e.site;
    }

    /**
     * Retires the entries whose set holds {@code s} (unregistered): no plan can choose them again.
     * {@return them, to {@link #recycle} after the grace period} Under the lock, after the change
     * that took {@code s} off every method was applied.
     */
    public List<Entry> retire(LiveOps s) {
        List<Entry> retired = new ArrayList<>();
        for (Iterator<Entry> it = bySet.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (HookSite.contains(e.ops, s)) {
                it.remove();
                retired.add(e);
            }
        }
        return retired;
    }

    /** Back to the pool, once no thread is inside them and no hooked method names them. Under the lock. */
    public void recycle(List<Entry> retired) {
        if (retired.isEmpty()) {
            return;
        }
        MutableCallSite[] sites = new MutableCallSite[retired.size()];
        for (int i = 0; i < sites.length; i++) {
            Entry e = retired.get(i);
            e.ops = LiveOps.NONE;
            e.site.setTarget(NOP);
            sites[i] = e.site;
            free.push(e);
        }
        MutableCallSite.syncAll(sites);
    }

    /** {@return how many entries are in use, for tests} */
    public int inUse() {
        return bySet.size();
    }

    private Entry define() {
        String name = PACKAGE + "Entry$" + DEFINED.incrementAndGet();
        MutableCallSite site = new MutableCallSite(NOP);
        Class<?> type;
        synchronized (Hooks.class) { // one hand-over slot per JVM (tests make several cores)
            Hooks.handOverEntrySite(site);
            try {
                type = bridge.defineClass(generate(name));
                // The first call links enter's invokedynamic to the site handed over: on jftrace's
                // thread, never in a traced program's first call (the JDK's linking code may be traced).
                bridge.findStatic(type, ENTER, HOOK_TYPE).invokeExact(0, 0);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot define entry " + name, t);
            } finally {
                Hooks.handOverEntrySite(null);
            }
        }
        return new Entry(type, site);
    }

    /**
     * {@code public final class NAME { public static void enter(int hi, int lo) { nop...; invokedynamic (J)V } }},
     * the invokedynamic bootstrapped by {@code Hooks.linkEntry} and passed the ip the two halves make
     * ({@code Hooks.ip}, which the exit hooks call too: folded to a constant wherever the JIT inlines
     * enter into a hooked method). An invokedynamic, not a
     * {@code static final} dynamic invoker: an invoker's {@code invokeExact} counts its calls and, at
     * 127, customises the handle (spins a class) on whatever thread calls it: a traced program's.
     */
    static byte[] generate(String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                name, null, "java/lang/Object", null);
        cw.visitSource("Entries.java", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, ENTER,
                HookInstrumenter.ENTRY_ENTER_DESC, null, null);
        mv.visitCode();
        // Padding past C1's inlining limit (MaxInlineSize, 35 bytes): C1 cannot see through the call
        // site to its target, so code it compiled with enter inlined called each LambdaForm of the
        // chain on every hooked call (measured: those frames were half the samples of a traced
        // compiler run). Not inlined, C1 code calls enter, which C2 compiled with the chain inlined.
        // C2 still inlines enter into hot methods (FreqInlineSize is 325) and drops the nops.
        for (int i = 0; i < PADDING; i++) {
            mv.visitInsn(Opcodes.NOP);
        }
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(Hooks.class), "ip", "(II)J", false);
        mv.visitInvokeDynamicInsn(ENTER, ENTER_DESC, LINK_ENTRY);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
