package org.jftrace.internal.dispatch;

import org.jftrace.FgraphEntryFunc;
import org.jftrace.FgraphOps;
import org.jftrace.FgraphRetFunc;
import org.jftrace.Ftrace;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.internal.boot.GraphTarget;
import org.jftrace.internal.functions.MethodRecord;

/**
 * What a trampoline runs for one ops on one call: the kernel's {@code ftrace_ops_assist_func}
 * (recursion, RCU and per-CPU checks) folded with the direct call. {@code mode} is a constant in
 * each generated trampoline, so once the JIT inlines this into the traced method only the checks
 * that ops asked for remain; {@code f} is a constant bound into the call site, so the callback is
 * inlined too.
 */
public final class Dispatch {
    public static final int GUARD = 1;
    public static final int PARENT = 2;
    public static final int PER_CPU = 4;
    public static final int RCU = 8;
    public static final int REGS = 16;
    /** Number of trampoline classes' modes: the bits above are fixed per ops. */
    public static final int MODES = 32;
    /**
     * Link-time bit ({@link LiveOps#linkMode()}), not part of a trampoline class's mode: PER_CPU
     * with more than one thread enabled at some time, so the check looks up the thread's counter.
     * Without it the check is one compare with the only enabled thread.
     */
    public static final int PER_CPU_MANY = 32;
    /**
     * Link-time bit: the recursion guard is taken once for the whole chain of a method whose ops
     * all want it (the kernel's list function does the same), so each ops' GUARD is already held.
     */
    public static final int CHAIN_GUARD = 64;

    private Dispatch() {
    }

    public static int modeOf(FtraceOps ops) {
        int mode = 0;
        if (!ops.has(FtraceOps.Flag.RECURSION_SAFE)) {
            mode |= GUARD;
        }
        if (ops.has(FtraceOps.Flag.PARENT_IP)) {
            mode |= PARENT;
        }
        if (ops.has(FtraceOps.Flag.PER_CPU)) {
            mode |= PER_CPU;
        }
        if (ops.has(FtraceOps.Flag.RCU)) {
            mode |= RCU;
        }
        if (ops.has(FtraceOps.Flag.SAVE_REGS)) {
            mode |= REGS;
        }
        return mode;
    }

    /**
     * Calls {@code f} unless a check refuses. The order is the kernel's: recursion (and the
     * per-thread state it needs) first, then RCU, then the per-CPU counter.
     *
     * <p>Keep this method's bytecode well under the JIT's FreqInlineSize (325 bytes): past it, no
     * hooked method inlines it any more (measured: an empty callback then costs 7 ns instead of 0).
     * Cold work lives in helpers; no return inside the try, whose finally javac would copy.
     *
     * @param regs the call's registers when the hook saved them, else null; passed on only with REGS
     */
    public static void call(FtraceFunc f, long ip, FtraceOps op, LiveOps s, RegsImpl regs, int mode) {
        final int grace = VirtualGrace.enter(); // before live is read: unregister waits for a virtual thread past it
        try {
            // PER_CPU with at most one enabled thread: no per-thread lookup, no trap (both outcomes trained in warm-up).
            if (s.live && ((mode & (PER_CPU | PER_CPU_MANY)) != PER_CPU || Thread.currentThread() == s.perCpuOnly)) {
                final boolean ownGuard = (mode & (GUARD | CHAIN_GUARD)) == GUARD;
                final int slot = ownGuard ? ThreadGuard.enter() : 0;
                if (slot >= 0) { // else recursion: the call is lost, the traced method runs
                    try {
                        if ((mode & (PER_CPU_MANY | RCU)) == 0 || allowed(s, mode)) {
                            if (regs != null) {
                                regs.current = s;
                            }
                            f.call(ip, (mode & PARENT) != 0 ? ParentIps.find(ip) : Ftrace.UNKNOWN_IP, op,
                                    (mode & REGS) != 0 ? regs : null);
                        }
                    } catch (Throwable t) {
                        failed(ip, s, t, mode);
                    } finally {
                        if (regs != null) {
                            regs.current = null;
                        }
                        if (ownGuard) {
                            ThreadGuard.leave(slot);
                        }
                    }
                }
            }
        } finally {
            VirtualGrace.exit(grace);
        }
    }

    /**
     * An exit-hook ops' entry: the checks of {@link #call} (live, PER_CPU, recursion guard, RCU), then
     * the entry handler. {@return what the handler returned, or {@code NO_EXIT} when it did not run
     * or threw} Nothing here allocates; the depth comes from the frame.
     */
    public static long graphEnter(LiveOps s, FgraphEntryFunc e, FgraphOps g, long ip, int depth, int mode) {
        final int grace = VirtualGrace.enter(); // before live is read: see call
        try {
            if (!s.live) {
                return GraphTarget.NO_EXIT;
            }
            if ((mode & (PER_CPU | PER_CPU_MANY)) == PER_CPU && Thread.currentThread() != s.perCpuOnly) {
                return GraphTarget.NO_EXIT;
            }
            final boolean guard = (mode & GUARD) != 0;
            int slot = 0;
            if (guard) {
                slot = ThreadGuard.enterFromWord(depth); // depth is the frame word: it names the thread's slot
                if (slot < 0) {
                    return GraphTarget.NO_EXIT; // recursion: this call is lost, its exit too
                }
            }
            try {
                if ((mode & (PER_CPU_MANY | RCU)) == 0 || allowed(s, mode)) {
                    return e.entry(ip, (mode & PARENT) != 0 ? ParentIps.find(ip) : Ftrace.UNKNOWN_IP,
                            depth & GraphHook.DEPTH_MASK, g);
                }
                return GraphTarget.NO_EXIT;
            } catch (Throwable t) {
                failed(ip, s, t, mode);
                return GraphTarget.NO_EXIT;
            } finally {
                if (guard) {
                    ThreadGuard.leave(slot);
                }
            }
        } finally {
            VirtualGrace.exit(grace);
        }
    }

    /**
     * An exit-hook ops' exit: the return handler, if the entry handler wanted it ({@code data} is not
     * {@code NO_EXIT}) and the ops is still live. PER_CPU and RCU were the entry's to decide. The
     * value returned is passed only with SAVE_REGS; an exception always.
     */
    public static void graphExit(LiveOps s, FgraphRetFunc r, FgraphOps g, long ip, int depth, long data, int how,
                                 Object value, long bits, int mode) {
        if (data == GraphTarget.NO_EXIT) {
            return;
        }
        final int grace = VirtualGrace.enter(); // before live is read: see call
        try {
            if (!s.live) {
                return;
            }
            final boolean guard = (mode & GUARD) != 0;
            int slot = 0;
            if (guard) {
                slot = ThreadGuard.enterFromWord(depth); // depth is the frame word: it names the thread's slot
                if (slot < 0) {
                    return;
                }
            }
            try {
                final boolean thrown = how == GraphTarget.THROW;
                final boolean regs = (mode & REGS) != 0;
                r.ret(ip, data, depth & GraphHook.DEPTH_MASK, thrown ? FgraphOps.Exit.THROW : FgraphOps.Exit.RETURN,
                        thrown || regs ? value : null, regs ? bits : 0L, g);
            } catch (Throwable t) {
                failed(ip, s, t, mode);
            } finally {
                if (guard) {
                    ThreadGuard.leave(slot);
                }
            }
        } finally {
            VirtualGrace.exit(grace);
        }
    }

    /** The RCU and (several-thread) PER_CPU checks: they need the thread's object, and may call. */
    private static boolean allowed(LiveOps s, int mode) {
        final ThreadGuard g = ThreadGuard.ofCurrentThread(); // REFUSED while it is being made: both checks refuse
        return ((mode & RCU) == 0 || (Rcu.watching && g.watching))
                && ((mode & PER_CPU_MANY) == 0 || g.perCpuEnabled(s.perCpuId));
    }

    /** A callback threw: counted on the ops and reported once, under the guard (held already unless RECURSION_SAFE). */
    private static void failed(long ip, LiveOps s, Throwable t, int mode) {
        if (t instanceof StackOverflowError) {
            s.stackOverflow(ip, (StackOverflowError) t); // before anything that needs stack
        }
        if ((mode & GUARD) != 0) {
            s.failed(ip, t);
        } else {
            failedUnguarded(ip, s, t);
        }
    }

    /**
     * Runs {@code chain} (the ops of one method, all guarded) under one recursion guard
     * ({@link #CHAIN_GUARD}), as the kernel's list function does. A method rather than
     * {@code guardWithTest}: this branch's profile is shared and trained both ways in warm-up, while
     * a combinator's profile starts empty per method and the JIT would make "recursion" a trap.
     * {@code chain} is a constant bound into the call site, so it is inlined here.
     */
    public static void guarded(java.lang.invoke.MethodHandle chain) throws Throwable {
        final int slot = ThreadGuard.enterHook();
        if (slot < 0) {
            return; // recursion: every ops of the chain would refuse
        }
        try {
            chain.invokeExact();
        } finally {
            ThreadGuard.leave(slot);
        }
    }

    /**
     * {@link #guarded(java.lang.invoke.MethodHandle)} for an entry's chain ({@link Entries}), which
     * takes the hooked method's ip as an argument: one entry serves every method with the same ops.
     */
    public static void guarded(java.lang.invoke.MethodHandle chain, long ip) throws Throwable {
        final int slot = ThreadGuard.enterHook();
        if (slot < 0) {
            return; // recursion: every ops of the chain would refuse
        }
        try {
            chain.invokeExact(ip);
        } finally {
            ThreadGuard.leave(slot);
        }
    }

    /** {@return whether a frame of method {@code name} of this class holds a {@link VirtualGrace} section} */
    static boolean opensSection(String name) {
        return name.equals("call") || name.equals("graphEnter") || name.equals("graphExit");
    }

    /** Reports a RECURSION_SAFE callback's failure under the guard, so reporting cannot recurse. */
    private static void failedUnguarded(long ip, LiveOps s, Throwable t) {
        final int slot = ThreadGuard.enter();
        if (slot < 0) {
            return;
        }
        try {
            s.failed(ip, t);
        } finally {
            ThreadGuard.leave(slot);
        }
    }

    /** Entry of a static-call regs hook: makes the registers, runs each ops (newest first), says what changed. */
    static Object enterRegs(Trampoline[] trampolines, long ip, Object receiver, long[] prims, Object[] refs) {
        final MethodRecord m = HookContext.method(ip);
        if (m == null) { // warm-up, before the core exists
            return null;
        }
        RegsImpl regs = RegsImpl.make(ip, m.argSorts(), receiver, prims, refs);
        for (Trampoline t : trampolines) {
            t.enterWithRegs(ip, regs);
        }
        return regs.result();
    }
}
