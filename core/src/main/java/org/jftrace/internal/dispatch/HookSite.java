package org.jftrace.internal.dispatch;

import java.lang.invoke.MutableCallSite;

import org.jftrace.internal.functions.MethodRecord;

/**
 * What is hooked on one method (the kernel's {@code dyn_ftrace} flags and its trampoline): the ops
 * enabled on it and the call sites its hooks link to. Made the first time the method is hooked and
 * kept (its call sites are bound into the class's bytecode); {@link #enabled} is written under the
 * ops list's lock and published by relinking.
 */
public final class HookSite {
    public final MethodRecord method;
    /** The ops enabled on this method, newest-registered first. */
    /** Every ops enabled on the method, newest first: what planning compares. Set with {@link #set}. */
    public LiveOps[] all = LiveOps.NONE;
    /** The entry-hook ops of {@link #all}: what the entry hook calls. */
    public LiveOps[] enabled = LiveOps.NONE;
    /** The exit-hook ops of {@link #all} ({@link LiveOps#graph} set): what the exit hooks call. */
    public LiveOps[] graph = LiveOps.NONE;
    /** The exit-hook target of the method now; frames keep the one they entered with. */
    GraphHook graphTarget;
    /**
     * The entry that the method's plain hook should call for {@link #enabled} (null: none, or the
     * method's hook is not an entry call); written with {@link #enabled} by the relinker.
     */
    public Entries.Entry entry;
    /**
     * The entry that the method's bytecode calls now: written by the code modifier when it hooks the
     * class. A method whose {@link #entry} differs is retransformed.
     */
    public Entries.Entry entryInCode;
    /** The invokedynamic hook site's call site, type {@code ()void}. */
    volatile MutableCallSite site;
    /** The same for the hook that saves registers, type {@code (Object, long[], Object[])Object}. */
    volatile MutableCallSite regsSite;
    /** The redirect call site (see {@link Redirects#siteType}), made when an IPMODIFY ops is first enabled here. */
    volatile MutableCallSite redirectSite;
    /** The redirect that {@link #redirectSite} tests for, or null; written under this object's lock. */
    Redirects.Redirect cachedRedirect;
    /** The redirect the regs site returns as a constant (a lone RedirectFunc, see Redirects.direct), or null. */
    public Redirects.Redirect direct;

    HookSite(MethodRecord method) {
        this.method = method;
    }

    /** {@return whether any of the enabled ops wants registers (SAVE_REGS, and so IPMODIFY)} */
    /** Sets the ops enabled on the method: {@link #all}, split into {@link #enabled} and {@link #graph}. */
    public void set(LiveOps[] ops) {
        all = ops;
        int g = 0;
        for (LiveOps s : ops) {
            if (s.exitHooks) {
                g++;
            }
        }
        if (g == 0) {
            enabled = ops;
            graph = LiveOps.NONE;
            return;
        }
        LiveOps[] plain = new LiveOps[ops.length - g];
        LiveOps[] graphs = new LiveOps[g];
        int p = 0;
        g = 0;
        for (LiveOps s : ops) {
            if (s.exitHooks) {
                graphs[g++] = s;
            } else {
                plain[p++] = s;
            }
        }
        enabled = plain;
        graph = graphs;
    }

    public static boolean wantsRegs(LiveOps[] enabled) {
        for (LiveOps s : enabled) {
            if (s.has(org.jftrace.FtraceOps.Flag.SAVE_REGS)) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether {@code s} is among the ops enabled here} */
    public boolean has(LiveOps s) {
        return contains(all, s);
    }

    /** {@return whether {@code s} is in {@code enabled}} */
    public static boolean contains(LiveOps[] enabled, LiveOps s) {
        for (LiveOps e : enabled) {
            if (e == s) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether any of the enabled ops has IPMODIFY} */
    public static boolean wantsIpmodify(LiveOps[] enabled) {
        for (LiveOps s : enabled) {
            if (s.has(org.jftrace.FtraceOps.Flag.IPMODIFY)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return method.toString();
    }
}
