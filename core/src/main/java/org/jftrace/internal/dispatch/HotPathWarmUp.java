package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.Regs;
import org.jftrace.internal.log.Log;

/**
 * Runs the hook path before any hook exists, for two reasons: every class it uses is loaded then
 * (a class first loaded from inside a hooked call, when HashMap.get runs during class loading, is a
 * ClassCircularityError), and the JIT's shared profiles of {@link Dispatch#call} and the guard are
 * trained both ways, so that no branch of theirs becomes an uncommon trap in a hooked method (a
 * trap is a call, and a method with one loses its frameless prologue: measured +3.4 ns per call).
 */
public final class HotPathWarmUp {
    private HotPathWarmUp() {
    }

    public static void run() {
        // Log's initialiser runs JDK code (String.split): first run by the sweeper's report while a
        // change holds the ops lock and waits for Log too, it deadlocked (seen: trace everything).
        Log.hook();
        ThreadGuard.ofCurrentThread();
        ThreadGuard.sweep();
        trainSlot();
        MutableCallSite.syncAll(new MutableCallSite[] {new MutableCallSite(CallChains.SITE_TYPE)});
        FtraceOps ops = FtraceOps.of(new WarmUpFunc()).withFlags(Flag.PARENT_IP, Flag.PER_CPU);
        LiveOps s = new LiveOps(ops);
        s.pin(ops);
        s.live = true;
        s.markReported();
        ThreadGuard.ofCurrentThread().perCpuAdd(s.perCpuId, -1);
        s.perCpuOnly = Thread.currentThread();
        // Three callback classes: the callback call's type profile is megamorphic from the start, so
        // a standalone compile of Dispatch.call never inlines a user's callback. Inlined that way it
        // grew past the JIT's InlineSmallCode (measured: 2,880 bytes), and hooked methods then stopped
        // inlining Dispatch.call: a real call per hooked call, and no escape analysis of the registers.
        FtraceFunc[] funcs = {s.func, new WarmUpFunc2(), new WarmUpFunc3()};
        for (int mode = 0; mode < 4 * Dispatch.MODES; mode++) { // with and without PER_CPU_MANY, CHAIN_GUARD
            for (int i = 0; i < 3; i++) {
                Dispatch.call(funcs[i], 0L, s.ops, s, null, mode);
                RegsImpl regs = RegsImpl.make(0L, "IL", null, new long[2], new Object[2]);
                Dispatch.call(funcs[i], 0L, s.ops, s, regs, mode);
                regs.result();
            }
        }
        ThreadGuard.ofCurrentThread().perCpuAdd(s.perCpuId, +1);
        // Teach the shared profile of Dispatch.call that "not live" happens, and the PER_CPU check
        // against the only enabled thread both ways, and the recursion guard free and held, alone
        // and for a chain (Dispatch.guarded), on a slot of the table and in the spill.
        FtraceOps deadOps = FtraceOps.of(new WarmUpFunc()).withFlags(Flag.RECURSION_SAFE);
        LiveOps dead = new LiveOps(deadOps);
        dead.pin(deadOps);
        MethodHandle chain = MethodHandles.empty(CallChains.SITE_TYPE);
        MethodHandle entryChain = MethodHandles.empty(MethodType.methodType(void.class, long.class)); // an entry's
        final Thread[] saved = new Thread[9];
        for (int i = 0; i < 40_000; i++) {
            final int spill = spillRound(i & 8191, saved);
            Dispatch.call(dead.func, 0L, dead.ops, dead, null, 0);
            Dispatch.call(funcs[i % 3], 0L, s.ops, s, null, 0);
            s.perCpuOnly = (i & 1) == 0 ? Thread.currentThread() : null;
            Dispatch.call(funcs[(i + 1) % 3], 0L, s.ops, s, null, Dispatch.PER_CPU);
            boolean held = (i & 1) == 0 && ThreadGuard.enterJftrace();
            Dispatch.call(funcs[(i + 2) % 3], 0L, s.ops, s, null, Dispatch.GUARD);
            try {
                Dispatch.guarded(chain);
                Dispatch.guarded(entryChain, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if ((i & 1) == 0) {
                ThreadGuard.leaveJftrace(held);
            }
            endSpillRound(i & 8191, spill, saved);
        }
        s.perCpuOnly = null;
        GuardSpill.entered = 0; // the training's, not the program's: nothing to report
        trainOnVirtualThread(s, funcs, chain, entryChain);
        s.live = false;
        ParentIps.warmUp();
        new ListTarget(new Trampoline[0]).enter(0L);
        new ListTarget(new Trampoline[0]).enterRegs(0L, null, new long[0], new Object[0]);
        Quiescence.class.getName();
        // What a callback's StackOverflowError makes dispatch read (LiveOps.stackOverflow): a JDK class
        // first initialised near the stack's end fails its initialiser, and stays broken for the JVM.
        for (StackTraceElement f : new StackOverflowError().getStackTrace()) {
            f.getClassName();
        }
        s.slot = null;
        s.stackOverflow(0L, new StackOverflowError());
        LiveOps.reportRunaways();
    }

    /** Stands in for other threads in the spill rounds; never started. */
    private static final Thread PLACEHOLDER = new Thread("jftrace-placeholder");

    /**
     * Rounds 8188 to 8191 of every 8192 put this thread's guard in the spill ({@link GuardSpill}), so
     * that its branches are compiled, and cold: 8190 and 8191 with its home crowded (guard held by
     * jftrace's own work, and free); 8188 with its guard held in the spill and a slot free near home
     * (the claim must not take it); 8189 with another thread in the spill (the claim takes it). Few:
     * a spill call reached 100 times is "hot" to C2, which then inlined the spill into Dispatch.call's
     * own compile; too large then, Dispatch.call was called, not inlined (+8 ns per RECURSION_SAFE
     * callback, measured). Enough that each branch is reached 40 times (else an "unreached" trap).
     * {@return a placeholder's spill slot to give back after the round, or -1}
     */
    private static int spillRound(int round, Thread[] saved) {
        final int window = saved.length - 1;
        if (round < 8188) {
            return -1;
        }
        ThreadGuard.crowdHome(window, saved, PLACEHOLDER);
        if (round == 8188) {
            ThreadGuard.enterJftrace();
            ThreadGuard.crowdHome(window - 1, saved, PLACEHOLDER);
            for (int k = 0; k < 12; k++) {
                ThreadGuard.slot(); // the claim's "held in the spill" branch, without a spill call
            }
        } else if (round == 8189) {
            ThreadGuard.crowdHome(window - 1, saved, PLACEHOLDER);
            return GuardSpill.enter(PLACEHOLDER);
        }
        return -1;
    }

    private static void endSpillRound(int round, int placeholderSlot, Thread[] saved) {
        if (round == 8188) {
            ThreadGuard.leaveJftrace(false);
        }
        if (placeholderSlot >= 0) {
            GuardSpill.leave(placeholderSlot);
        }
        if (round >= 8188) {
            ThreadGuard.crowdHome(-1, saved, null);
        }
    }

    /**
     * JDK 21+: the same guarded calls on a virtual thread, which gives its slot back after each
     * ({@link ThreadGuard#leave}), so that branch is trained too and never becomes a trap; and
     * {@link VirtualGrace}'s section, guarded and not.
     */
    private static void trainOnVirtualThread(LiveOps s, FtraceFunc[] funcs, MethodHandle chain, MethodHandle entryChain) {
        if (!ThreadGuard.hasVirtualThreads()) {
            return;
        }
        Runnable train = new Runnable() {
            @Override
            public void run() {
                for (int i = 0; i < 20_000; i++) {
                    Dispatch.call(funcs[i % 3], 0L, s.ops, s, null, Dispatch.GUARD);
                    Dispatch.call(funcs[(i + 1) % 3], 0L, s.ops, s, null, 0); // VirtualGrace's branch, RECURSION_SAFE
                    try {
                        Dispatch.guarded(chain);
                        Dispatch.guarded(entryChain, 0L);
                    } catch (Throwable t) {
                        throw new IllegalStateException(t);
                    }
                }
            }
        };
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            // through the public interface Thread.Builder: the builder's own class is not accessible
            Thread v = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class)
                    .invoke(builder, train);
            v.start();
            v.join();
        } catch (ReflectiveOperationException | InterruptedException e) {
            throw new IllegalStateException("cannot train the guard on a virtual thread", e);
        }
    }

    /** Warm-up's other callback classes (see the type-profile note in run). */
    private static final class WarmUpFunc2 implements FtraceFunc {
        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        }
    }

    private static final class WarmUpFunc3 implements FtraceFunc {
        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        }
    }

    /** Throws on one call in sixteen, so that warm-up runs the failure path too. */
    private static final class WarmUpFunc implements FtraceFunc {
        private int calls;

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            if (regs != null && regs.argCount() > 0) {
                regs.arg(0);
            }
            if ((calls++ & 15) == 15) { // rarely: the failure path trained, but cold (not inlined)
                throw new IllegalStateException("warm-up");
            }
        }
    }

    /**
     * Runs every branch of {@link ThreadGuard#slot()} both ways on this thread, so that the JIT compiles them
     * all (see ThreadGuard's class comment), and checks each answer: a wrong one throws, and the agent does
     * not start. Borrows slots near this thread's home with placeholder threads
     * (never started, so never alive) and frees them after. Before any hook exists (warm-up).
     */
    static void trainSlot() {
        synchronized (ThreadGuard.class) { // as the table's other writers
            final Thread self = Thread.currentThread();
            final int home = ThreadGuard.home(self);
            final Thread[] saved = new Thread[ThreadGuard.PROBES + 1];
            for (int k = 0; k <= ThreadGuard.PROBES; k++) {
                saved[k] = ThreadGuard.OWNERS[(home + k) & ThreadGuard.MASK];
            }
            final Thread placeholder = new Thread("jftrace-placeholder");
            // Hits first: the JVM profiles branches only once a method ran a few hundred times.
            for (int k = 0; k <= ThreadGuard.PROBES; k++) {
                ThreadGuard.OWNERS[(home + k) & ThreadGuard.MASK] = null;
            }
            for (int i = 0; i < 2_000; i++) {
                ThreadGuard.slot();
            }
            // Five times per window: the JIT compiles a branch only once it was reached 40 times (the
            // claim is reached once per round), and the fewer misses next to real hits, the rarer the
            // JIT deems the miss path (it then keeps the hooked method's own values in registers).
            for (int round = 0; round < 5 * (ThreadGuard.PROBES + 1); round++) {
                final int taken = round % (ThreadGuard.PROBES + 1); // slots home .. home+taken-1 are someone else's
                for (int k = 0; k <= ThreadGuard.PROBES; k++) {
                    ThreadGuard.OWNERS[(home + k) & ThreadGuard.MASK] = k < taken ? placeholder : null;
                }
                final int expected = taken < ThreadGuard.PROBES ? (home + taken) & ThreadGuard.MASK : ThreadGuard.OVERFLOW;
                for (int again = 0; again < 3; again++) {
                    final int got = ThreadGuard.slot(); // claims (or overflows) the first time, finds after
                    if (got != expected) {
                        throw new IllegalStateException("recursion guard self-test: slot " + got + ", expected "
                                + expected + " (home " + home + ", " + taken + " taken)");
                    }
                }
            }
            for (int k = 0; k <= ThreadGuard.PROBES; k++) {
                ThreadGuard.OWNERS[(home + k) & ThreadGuard.MASK] = saved[k];
            }
            GuardSpill.entered = 0;
            ThreadGuard.claims = 0;
            ThreadGuard.slot();
        }
    }
}
