package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The hot path's performance invariants, which no functional test sees: an innocent edit that
 * breaks one costs 3-7 ns per hooked call (measured), and only a benchmark would notice.
 * <ul>
 * <li>methods the JIT must inline into every hooked method stay under FreqInlineSize (325 bytes of
 *     bytecode on the JDKs we support): past it, hooked methods call them instead (an empty
 *     callback went from 0 to 7 ns), and the registers escape (112 bytes allocated per call);</li>
 * <li>the recursion guard's home check makes no call (a call, or a trap, costs a leaf hooked method
 *     its frameless prologue: about 3.5 ns): only intrinsics and its own hash; the search and the
 *     claim ({@code ThreadGuard.search}) and the spill ({@link GuardSpill}) are calls on the
 *     branches of a thread not at its home slot; a thread at home runs no call.</li>
 * </ul>
 */
class HotPathShapeTest {
    /** HotSpot's FreqInlineSize on x86-64 and AArch64. */
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void methodsHookedCallsInlineStayUnderFreqInlineSize() throws IOException {
        Map<String, Integer> dispatch = codeLengths(Dispatch.class);
        Map<String, Integer> regs = codeLengths(RegsImpl.class);
        Map<String, Integer> guard = codeLengths(ThreadGuard.class);
        assertUnder(dispatch, "call", FREQ_INLINE_SIZE - 40); // 40 bytes of headroom: it is near the limit by nature
        assertUnder(dispatch, "guarded", FREQ_INLINE_SIZE);
        assertUnder(regs, "arg", FREQ_INLINE_SIZE);
        assertUnder(regs, "setArg", FREQ_INLINE_SIZE);
        assertUnder(regs, "rawBits", FREQ_INLINE_SIZE);
        assertUnder(regs, "intArg", FREQ_INLINE_SIZE);
        assertUnder(regs, "doubleArg", FREQ_INLINE_SIZE);
        assertUnder(regs, "refArg", FREQ_INLINE_SIZE);
        assertUnder(regs, "result", 35); // MaxInlineSize: inlined even where the chain is not hot yet
        assertUnder(guard, "enterHook", 35); // MaxInlineSize: inlined even where the chain is not hot yet
        assertUnder(guard, "enter", 35);
        assertUnder(guard, "take", 35);
        assertUnder(guard, "slot", 35);
        assertUnder(guard, "leave", 64); // small: inlined wherever a guarded call ends
        Map<String, Integer> graph = codeLengths(GraphHook.class);
        assertUnder(graph, "push", 64); // the exit hook's depth: small, inlined into every hot exit-hooked method
        assertUnder(graph, "pop", 64);
    }

    @Test
    void theGuardsHomeCheckMakesNoCall() throws IOException {
        Set<String> allowed = Set.of(
                "java/lang/Thread.currentThread", // intrinsic
                "java/lang/invoke/VarHandle.get", "java/lang/invoke/VarHandle.compareAndSet", // intrinsics
                "java/lang/System.identityHashCode", // only without access to Thread.tid
                "org/jftrace/internal/dispatch/ThreadGuard.home"); // checked below
        // what a hooked method inlines: the home check; the search and claim are one call, off the hit path
        assertEquals(Set.of(), notIn(notIn(calls(ThreadGuard.class, "slot"), allowed),
                Set.of("org/jftrace/internal/dispatch/ThreadGuard.search")), "ThreadGuard.slot calls");
        assertEquals(Set.of(), notIn(calls(ThreadGuard.class, "home"), allowed), "ThreadGuard.home calls");
        assertEquals(Set.of(), notIn(calls(Dispatch.class, "guarded"), Set.of(
                "org/jftrace/internal/dispatch/ThreadGuard.enterHook", "org/jftrace/internal/dispatch/ThreadGuard.leave",
                "java/lang/invoke/MethodHandle.invokeExact")), "Dispatch.guarded calls");
        // the spill's branch only: enter and leave of a thread with no slot near home
        assertEquals(Set.of(), notIn(calls(ThreadGuard.class, "enterHook"), Set.of(
                "org/jftrace/internal/dispatch/ThreadGuard.slot", "org/jftrace/internal/dispatch/ThreadGuard.take")),
                "ThreadGuard.enterHook calls");
        assertEquals(Set.of(), notIn(calls(ThreadGuard.class, "take"), Set.of("java/lang/Thread.currentThread",
                "org/jftrace/internal/dispatch/GuardSpill.enter")), "ThreadGuard.take calls");
        assertEquals(Set.of(), notIn(calls(ThreadGuard.class, "leave"), Set.of("java/lang/Thread.currentThread",
                "java/lang/Object.getClass", "java/lang/invoke/VarHandle.setRelease", // intrinsics
                "org/jftrace/internal/dispatch/GuardSpill.leave",
                "org/jftrace/internal/dispatch/ThreadGuard.release")), "ThreadGuard.leave calls");
        // release is one release store, far under the JIT's always-inline size (checked here)
        assertEquals(Set.of(), notIn(calls(ThreadGuard.class, "release"), Set.of("java/lang/invoke/VarHandle.setRelease")),
                "ThreadGuard.release calls");
        assertUnder(codeLengths(ThreadGuard.class), "release", 16);
    }

    @Test
    void theVirtualThreadsSectionMakesNoCall() throws IOException {
        // opened and closed in every Dispatch.call: intrinsics only, and small enough to be inlined always
        assertEquals(Set.of(), notIn(calls(VirtualGrace.class, "enter"), Set.of("java/lang/Thread.currentThread",
                "java/lang/Object.getClass", "java/lang/invoke/VarHandle.getAndAdd",
                "org/jftrace/internal/dispatch/ThreadGuard.home")), "VirtualGrace.enter calls");
        assertEquals(Set.of(), notIn(calls(VirtualGrace.class, "exit"), Set.of("java/lang/invoke/VarHandle.getAndAdd")),
                "VirtualGrace.exit calls");
        Map<String, Integer> grace = codeLengths(VirtualGrace.class);
        assertUnder(grace, "enter", 64);
        assertUnder(grace, "exit", 35);
    }

    private static void assertUnder(Map<String, Integer> lengths, String method, int limit) {
        Integer n = lengths.get(method);
        assertTrue(n != null, method + " not found");
        assertTrue(n < limit, method + " is " + n + " bytes of bytecode; keep it under " + limit
                + " (move cold work into a helper)");
    }

    private static Set<String> notIn(Set<String> calls, Set<String> allowed) {
        Set<String> out = new TreeSet<>(calls);
        out.removeAll(allowed);
        return out;
    }

    private static byte[] bytes(Class<?> k) throws IOException {
        try (InputStream in = k.getResourceAsStream(k.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** {@return owner.name of every method {@code method} of {@code k} invokes, invokedynamic as "indy"} */
    private static Set<String> calls(Class<?> k, String method) throws IOException {
        Set<String> out = new TreeSet<>();
        new ClassReader(bytes(k)).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exc) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                        out.add(owner + "." + n);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                        out.add("indy");
                    }
                };
            }
        }, 0);
        return out;
    }

    /** {@return each method's bytecode length (the largest overload's), read from the class file's Code attributes} */
    private static Map<String, Integer> codeLengths(Class<?> k) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes(k)));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.skipBytes(6);
        in.skipBytes(2 * in.readUnsignedShort());
        skipMembers(in);
        Map<String, Integer> out = new HashMap<>();
        int methods = in.readUnsignedShort();
        for (int m = 0; m < methods; m++) {
            in.skipBytes(2);
            String name = utf8[in.readUnsignedShort()];
            in.skipBytes(2);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attr = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (attr.equals("Code")) {
                    in.skipBytes(4);
                    int code = in.readInt();
                    out.merge(name, code, Math::max);
                    in.skipBytes(length - 8);
                } else {
                    in.skipBytes(length);
                }
            }
        }
        return out;
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(6);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skipBytes(2);
                in.skipBytes(in.readInt());
            }
        }
    }
}
