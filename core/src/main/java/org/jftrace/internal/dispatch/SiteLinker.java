package org.jftrace.internal.dispatch;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

import org.jftrace.internal.boot.Linker;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.log.Log;

/** Gives invokedynamic hook sites their call site: the one kept on the method's {@link HookSite}. */
public final class SiteLinker extends Linker {
    private final HookSites sites;

    public SiteLinker(HookSites sites) {
        this.sites = sites;
    }

    @Override
    public CallSite callSite(Class<?> caller, long ip, MethodType type) {
        boolean wasBusy = ThreadGuard.enterJftrace();
        try {
            learn(caller, ip);
            return find(ip, type);
        } finally {
            ThreadGuard.leaveJftrace(wasBusy);
        }
    }

    /**
     * Records the hooked class on its function-table record: a class hooked as it loads is not
     * defined yet when it is scanned, and what needs its Class later (a SAVE_REGS setArg's type
     * check) would otherwise walk every loaded class, once per class of every dropped loader.
     */
    private void learn(Class<?> caller, long ip) {
        long index = ip >>> Hooks.IP_SHIFT;
        HookSite h = index > Integer.MAX_VALUE ? null : sites.get((int) index);
        if (h != null && caller != null && caller.getName().equals(h.method.owner.name)
                && h.method.owner.definedBy(caller.getClassLoader())) {
            h.method.owner.learnClass(caller);
        }
    }

    private CallSite find(long ip, MethodType type) {
        long index = ip >>> Hooks.IP_SHIFT;
        HookSite h = index > Integer.MAX_VALUE ? null : sites.get((int) index);
        MutableCallSite site = null;
        if (h != null) {
            if (type.equals(CallChains.SITE_TYPE)) {
                site = h.site;
            } else if (type.equals(CallChains.REGS_SITE_TYPE)) {
                site = h.regsSite;
            } else if (Redirects.isSiteType(type)) {
                site = h.redirectSite;
                if (site == null) { // no IPMODIFY ops was ever enabled here: nothing to learn
                    return new ConstantCallSite(Redirects.generic(h));
                }
            }
        }
        if (site == null) {
            return new ConstantCallSite(MethodHandles.empty(type));
        }
        return site;
    }

    @Override
    public void linkFailed(long ip, Throwable failure) {
        Log.warn("hook site 0x" + Long.toHexString(ip) + " could not link, it does nothing: " + failure, failure);
    }
}
