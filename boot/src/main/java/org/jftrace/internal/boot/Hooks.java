package org.jftrace.internal.boot;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The entry points that hook sites call. Two kinds of site exist:
 * <ul>
 * <li>{@code invokedynamic} bound by {@link #link}: the call site's target is the ops chain of that
 *     one method, so the JIT inlines straight into the callbacks. Used for the register-saving hooks
 *     of classes of application loaders with class file version 51 or later.</li>
 * <li>{@code invokestatic Entry$N.enter(long)}: a class the core generates in this package per set
 *     of ops (see the core's {@code dispatch.Entries}); the plain hook of application classes.</li>
 * <li>{@code invokestatic} {@link #enter(long)}: one table load and a virtual call. Used for classes
 *     of the boot and platform loaders, whose code runs while call sites link (an
 *     invokedynamic there would recurse into its own linking), and for class files older than 51.</li>
 * </ul>
 */
public final class Hooks {

    /** An ip is a method index shifted left by this many bits; the low bits hold a bytecode index. */
    public static final int IP_SHIFT = 16;

    /** Indexed by method index. Replaced whole (copy on write) by the core; read on every call. */
    private static volatile HookTarget[] targets = new HookTarget[0];

    private static volatile Linker linker;

    /** The call site that the entry class being defined links to; see {@link #handOverEntrySite}. */
    private static CallSite entrySite;

    private Hooks() {
    }

    /** The static-call hook: runs the targets of method {@code ip}, if any. */
    public static void enter(long ip) {
        final HookTarget[] lvTargets = targets;
        final int index = (int) (ip >>> IP_SHIFT);
        if (index < lvTargets.length) {
            final HookTarget target = lvTargets[index];
            if (target != null) {
                target.enter(ip);
            }
        }
    }

    /**
     * {@return the ip whose function index is {@code high << 16 | low & 0xFFFF}}: an exit hook's
     * first call, passed the index as two {@code sipush} operands (no constant per method).
     */
    public static long ip(int high, int low) {
        return ((long) (high << 16 | (low & 0xFFFF))) << IP_SHIFT;
    }

    /** Exit-hook targets, indexed by method index; replaced whole by the core, like {@link #targets}. */
    private static volatile GraphTarget[] graphTargets = new GraphTarget[0];

    /**
     * The exit hook's first call: {@return the exit-hook ops of method {@code ip} now} (never null),
     * which the method's frame keeps for its exits. Static for every class: boot classes included.
     */
    public static GraphTarget graph(long ip) {
        final GraphTarget[] lvTargets = graphTargets;
        final int index = (int) (ip >>> IP_SHIFT);
        if (index < lvTargets.length) {
            final GraphTarget target = lvTargets[index];
            if (target != null) {
                return target;
            }
        }
        return GraphTarget.NONE;
    }

    /** Replaces the exit-hook table (release by volatile store). */
    public static void setGraphTargets(GraphTarget[] newTargets) {
        graphTargets = newTargets;
    }

    /** {@return the current exit-hook table; the core copies it before changing it} */
    public static GraphTarget[] graphTargets() {
        return graphTargets;
    }

    /** The static-call hook with registers; see {@link HookTarget#enterRegs} and {@link #CHANGED}. */
    public static Object enterRegs(long ip, Object receiver, long[] prims, Object[] refs) {
        final HookTarget[] lvTargets = targets;
        final int index = (int) (ip >>> IP_SHIFT);
        if (index < lvTargets.length) {
            final HookTarget target = lvTargets[index];
            if (target != null) {
                return target.enterRegs(ip, receiver, prims, refs);
            }
        }
        return null;
    }

    /**
     * What a register-saving hook returns when a callback changed something: the arguments were
     * rewritten in the hook's arrays (the method reloads them). A constant rather than the registers
     * object, so that the registers never escape the hook and the JIT can remove them. When a
     * callback also redirected the call, the hook returns the {@link HookRedirect} instead.
     *
     * <p>The hook keeps a primitive argument as raw bits in a {@code long}: sign-extended for
     * boolean, byte, short, char and int (as {@code i2l} makes them), {@code floatToRawIntBits}
     * sign-extended for float, {@code doubleToRawLongBits} for double. No box is ever made, so a
     * rewritten primitive never merges two objects and escape analysis removes both arrays.
     */
    public static final Object CHANGED = Boolean.TRUE;

    /** Runs the redirect that a register-saving hook got back from {@link #enterRegs} in place of {@link #CHANGED}. */
    public static Object redirect(Object redirect, Object receiver, long[] prims, Object[] refs) throws Throwable {
        return ((HookRedirect) redirect).invoke(receiver, prims, refs);
    }

    /** Replaces the target table. The core publishes a fresh array for every change (release by volatile store). */
    public static void setTargets(HookTarget[] newTargets) {
        targets = newTargets;
    }

    /** {@return the current target table; the core copies it before changing it} */
    public static HookTarget[] targets() {
        return targets;
    }

    /**
     * Hands the core's next entry class its call site: the core defines entry classes in this
     * package (so that every class can call them, as it can call this one), each with one
     * {@code invokedynamic} that {@link #linkEntry} links to the site handed over here. The core
     * holds this class's monitor around the hand-over and the entry's first call.
     */
    public static void handOverEntrySite(CallSite site) {
        entrySite = site;
    }

    /** Bootstrap method of an entry class's invokedynamic: {@return the site handed over, once} */
    public static CallSite linkEntry(MethodHandles.Lookup caller, String name, MethodType type) {
        CallSite s = entrySite;
        entrySite = null;
        if (s == null || !s.type().equals(type)) {
            throw new IllegalStateException("no entry call site of type " + type + " handed over");
        }
        return s;
    }

    /** Installs the core's linker for invokedynamic hook sites. */
    public static void setLinker(Linker l) {
        linker = l;
    }

    /**
     * Bootstrap method of invokedynamic hook sites: {@code ip} is a static argument. Never throws
     * (a bootstrap that throws leaves the call site unlinked and breaks the traced method for good); on failure the site
     * becomes a no-op and the linker is told.
     */
    public static CallSite link(MethodHandles.Lookup caller, String name, MethodType type, long ip) {
        final Linker l = linker;
        if (l != null) {
            try {
                CallSite site = l.callSite(caller.lookupClass(), ip, type);
                if (site != null && site.type().equals(type)) {
                    return site;
                }
            } catch (Throwable failure) {
                try {
                    l.linkFailed(ip, failure);
                } catch (Throwable ignored) {
                    // reporting must never turn into a linkage error
                }
            }
        }
        return nop(type);
    }

    private static CallSite nop(MethodType type) {
        return new ConstantCallSite(MethodHandles.empty(type));
    }
}
