package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jftrace.FtraceOps.Flag;

/**
 * The method-handle graphs that invokedynamic hook sites link to: each enabled ops' trampoline
 * with its callback, ip, ops and state bound as constants, newest first, so that the JIT inlines
 * straight through to the callbacks (the kernel's per-ops trampolines and list function).
 */
public final class CallChains {
    /** The plain hook site's type. */
    public static final MethodType SITE_TYPE = MethodType.methodType(void.class);
    /** The register-saving hook site's type: {@code (Object receiver, long[] prims, Object[] refs)Object}. */
    public static final MethodType REGS_SITE_TYPE = MethodType.methodType(Object.class, Object.class, long[].class,
            Object[].class);
    static final MethodHandle NOP = MethodHandles.empty(SITE_TYPE);
    static final MethodHandle REGS_NOP = MethodHandles.empty(REGS_SITE_TYPE);
    private static final MethodHandle NEW_REGS;
    private static final MethodHandle REGS_RESULT;
    private static final MethodHandle GUARDED;
    private static final MethodHandle GUARDED_ENTRY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            // A factory, not the constructor: a constructor handle allocates with Unsafe.allocateInstance,
            // whose JIT intrinsic on JDK 25 tests a JVMTI flag with an uncommon trap (measured +3.6 ns).
            NEW_REGS = l.findStatic(RegsImpl.class, "make", MethodType.methodType(RegsImpl.class, long.class,
                    String.class, Object.class, long[].class, Object[].class));
            REGS_RESULT = l.findVirtual(RegsImpl.class, "result", MethodType.methodType(Object.class));
            GUARDED = l.findStatic(Dispatch.class, "guarded", MethodType.methodType(void.class, MethodHandle.class));
            GUARDED_ENTRY = l.findStatic(Dispatch.class, "guarded", MethodType.methodType(void.class, MethodHandle.class,
                    long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CallChains() {
    }

    /** {@return the plain site's target for {@code h}: each ops' trampoline with its arguments bound, newest first} */
    static MethodHandle chain(HookSite h) {
        LiveOps[] e = h.enabled;
        if (e.length == 0) {
            return NOP;
        }
        // All guarded: the guard is taken once, in Dispatch.guarded, whose lookup has no call or trap.
        boolean chainGuard = true;
        for (LiveOps s : e) {
            chainGuard &= !s.has(Flag.RECURSION_SAFE);
        }
        long ip = h.method.ip();
        MethodHandle chain = null;
        for (int i = e.length - 1; i >= 0; i--) {
            LiveOps s = e[i];
            MethodHandle one = MethodHandles.insertArguments(s.slot.call(), 0, s.func, ip, s.ops, s);
            one = MethodHandles.insertArguments(one, 0, s.linkMode() | (chainGuard ? Dispatch.CHAIN_GUARD : 0));
            chain = chain == null ? one : MethodHandles.foldArguments(chain, one);
        }
        if (!chainGuard) {
            return chain;
        }
        return MethodHandles.insertArguments(GUARDED, 0, chain); // Dispatch.guarded(chain)
    }

    /**
     * {@return an entry's target for the ops {@code e} (newest first): as {@link #chain}, but the ip
     * is the argument, since every method with these ops calls the same entry} ({@link Entries})
     */
    static MethodHandle entryChain(LiveOps[] e) {
        if (e.length == 0) {
            return MethodHandles.empty(Entries.ENTER_TYPE);
        }
        boolean chainGuard = true;
        for (LiveOps s : e) {
            chainGuard &= !s.has(Flag.RECURSION_SAFE);
        }
        MethodHandle chain = null;
        for (int i = e.length - 1; i >= 0; i--) {
            LiveOps s = e[i];
            // call(func, ip, ops, state, linkMode) -> (ip)
            MethodHandle one = MethodHandles.insertArguments(s.slot.call(), 2, s.ops, s,
                    s.linkMode() | (chainGuard ? Dispatch.CHAIN_GUARD : 0));
            one = MethodHandles.insertArguments(one, 0, s.func);
            chain = chain == null ? one : MethodHandles.foldArguments(chain, one);
        }
        return chainGuard ? MethodHandles.insertArguments(GUARDED_ENTRY, 0, chain) : chain;
    }

    /**
     * {@return the register-saving site's target for {@code h}: make the registers, run each ops'
     * trampoline with them (newest first), then hand back what changed}
     */
    static MethodHandle regsChain(HookSite h) {
        LiveOps[] e = h.enabled;
        if (e.length == 0) {
            return REGS_NOP;
        }
        long ip = h.method.ip();
        MethodHandle seq = null; // (RegsImpl)void
        for (int i = e.length - 1; i >= 0; i--) {
            LiveOps s = e[i];
            MethodHandle one = MethodHandles.insertArguments(s.slot.callRegs(), 0, s.func, ip, s.ops, s);
            one = MethodHandles.insertArguments(one, 1, s.linkMode()); // (RegsImpl, int) -> (RegsImpl)
            seq = seq == null ? one : MethodHandles.foldArguments(seq, one);
        }
        MethodHandle body = MethodHandles.foldArguments(REGS_RESULT, seq); // (RegsImpl)Object
        // the sorts a constant, so that RegsImpl.arg folds (Object, long[], Object[])RegsImpl
        MethodHandle make = MethodHandles.insertArguments(NEW_REGS, 0, ip, h.method.argSorts());
        return MethodHandles.collectArguments(body, 0, make);
    }
}
