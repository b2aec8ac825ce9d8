package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Entries without an agent: one per set of ops, retargeted only when its chain changes, recycled. */
class EntriesTest {
    private final TrampolinePool pool = new TrampolinePool();
    private final List<Long> seen = new ArrayList<>();

    private LiveOps live(String name, Flag... flags) throws Throwable {
        FtraceOps o = FtraceOps.of((ip, parentIp, op, regs) -> seen.add(ip)).withFlags(flags).withName(name);
        LiveOps s = new LiveOps(o);
        s.slot = pool.take(Dispatch.modeOf(o));
        s.trampoline = (Trampoline) s.slot.constructor().invoke(o.func(), o, s);
        s.pin(o);
        s.live = true;
        return s;
    }

    /** Calls {@code e}'s enter as a hook with {@code ip} does: the index's two halves. */
    private static void enter(Entries.Entry e, long ip) throws Throwable {
        MethodHandle h = MethodHandles.publicLookup().findStatic(e.type, Entries.ENTER, Entries.HOOK_TYPE);
        h.invokeExact(org.jftrace.internal.bytecode.HookInstrumenter.ipHigh(ip),
                org.jftrace.internal.bytecode.HookInstrumenter.ipLow(ip));
    }

    @Test
    void anEntryPerSetOfOpsRunsItsChainWithTheCallersIp() throws Throwable {
        Entries entries = new Entries();
        LiveOps a = live("a", Flag.RECURSION_SAFE);
        LiveOps b = live("b");
        Entries.Entry ea = entries.of(new LiveOps[] {a});
        assertSame(ea, entries.of(new LiveOps[] {a}), "the same set, the same entry");
        Entries.Entry eba = entries.of(new LiveOps[] {b, a});
        assertNotSame(ea, eba);
        assertNotSame(eba, entries.of(new LiveOps[] {a, b}), "order is part of the set: newest first");
        assertTrue(ea.owner.startsWith("org/jftrace/internal/boot/Entry$"), ea.owner);

        enter(ea, 7L << 16);
        assertEquals(List.of(), seen, "not retargeted yet: the entry does nothing");
        assertNotNull(Entries.retarget(ea));
        assertNotNull(Entries.retarget(eba));
        assertNull(Entries.retarget(ea), "nothing changed: no retarget (it would deoptimise the entry's inliners)");
        enter(ea, 7L << 16);
        enter(eba, 9L << 16);
        assertEquals(List.of(7L << 16, 9L << 16, 9L << 16), seen, "a once; then b and a, with each caller's ip");

        a.perCpuMany = true; // a link-mode change
        assertNotNull(Entries.retarget(ea), "a link mode changed: retargeted");
    }

    @Test
    void retiredEntriesAreRecycledForAnotherSet() throws Throwable {
        Entries entries = new Entries();
        LiveOps a = live("a", Flag.RECURSION_SAFE);
        LiveOps b = live("b", Flag.RECURSION_SAFE);
        Entries.Entry ea = entries.of(new LiveOps[] {a});
        Entries.Entry eb = entries.of(new LiveOps[] {b});
        Entries.retarget(ea);
        List<Entries.Entry> retired = entries.retire(a);
        assertEquals(List.of(ea), retired);
        assertEquals(1, entries.inUse());
        entries.recycle(retired);
        enter(ea, 1L << 16);
        assertEquals(List.of(), seen, "a recycled entry does nothing until it is given a set");
        LiveOps c = live("c", Flag.RECURSION_SAFE);
        Entries.Entry ec = entries.of(new LiveOps[] {c});
        assertSame(ea.type, ec.type, "the retired class is reused");
        assertNotSame(eb.type, ec.type);
        Entries.retarget(ec);
        enter(ec, 3L << 16);
        assertEquals(List.of(3L << 16), seen);
    }

    /** C1 must not inline enter (it cannot see through the call site), C2 must (hot callers). */
    @Test
    void enterIsPastC1sInliningLimitAndWellUnderC2s() {
        int[] size = {-1};
        new ClassReader(Entries.generate("org/jftrace/internal/boot/Entry$Test")).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (name.equals(Entries.ENTER)) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        int bytes;

                        @Override
                        public void visitInsn(int opcode) {
                            bytes += 1;
                        }

                        @Override
                        public void visitVarInsn(int opcode, int var) {
                            bytes += var <= 3 ? 1 : 2;
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, org.objectweb.asm.Handle h, Object... a) {
                            bytes += 5;
                        }

                        @Override
                        public void visitEnd() {
                            size[0] = bytes;
                        }
                    };
                }
                return null;
            }
        }, 0);
        assertTrue(size[0] > 35, "C1 inlines up to 35 bytes (MaxInlineSize): " + size[0]);
        assertTrue(size[0] <= 100, "C2 inlines hot callees up to 325 bytes (FreqInlineSize): keep it small: " + size[0]);
    }
}
