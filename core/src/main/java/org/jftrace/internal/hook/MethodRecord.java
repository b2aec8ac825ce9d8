package org.jftrace.internal.hook;

import org.jftrace.FunctionInfo;
import org.jftrace.internal.boot.Hooks;

/**
 * One method in the function table: its stable index (the ip is the index shifted left by
 * {@link Hooks#IP_SHIFT}, leaving room for a bytecode index in parent ips) and what it resolves to.
 * Immutable except {@link #enabled}, which the registry writes under its lock.
 */
final class MethodRecord {
    final int index;
    final ClassRecord owner;
    final String name;
    final String descriptor;
    final String parameters;
    final int access;
    final int firstLine;
    /** Why this method cannot carry a hook, or {@code null} when it is traceable. */
    final String notraceReason;
    private final String functionName;

    /** The ops enabled on this method, newest-registered first; written under the registry lock. */
    OpsState[] enabled = OpsState.NONE;

    /** The invokedynamic hook site's call site, made the first time the method is hooked; reused after. */
    volatile java.lang.invoke.MutableCallSite site;
    /** The same for the hook that saves registers, type {@code (Object, long[], Object[])Object}. */
    volatile java.lang.invoke.MutableCallSite regsSite;
    /** The redirect call site (see {@link Redirects#siteType}), made when an IPMODIFY ops is first enabled here. */
    volatile java.lang.invoke.MutableCallSite redirectSite;
    /** The redirect that {@link #redirectSite} tests for, or null; written under this record's lock. */
    Redirects.Redirect cachedRedirect;
    /** The redirect the regs site returns as a constant (a lone RedirectFunc, see Redirects.direct), or null; under the registry lock. */
    Redirects.Redirect direct;
    /** {@link RegsImpl#sortsOf} of the descriptor, made when the method first gets a regs hook. */
    private volatile String argSorts;
    /** Parameter classes, resolved the first time a callback rewrites an argument. */
    volatile Class<?>[] parameterTypes;

    MethodRecord(int index, ClassRecord owner, String name, String descriptor, String parameters, int access,
                 int firstLine, String notraceReason) {
        this.index = index;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.parameters = parameters;
        this.access = access;
        this.firstLine = firstLine;
        this.notraceReason = notraceReason;
        this.functionName = owner.name + "." + name;
    }

    /** {@return whether any of the enabled ops wants registers (SAVE_REGS, and so IPMODIFY)} */
    static boolean wantsRegs(OpsState[] enabled) {
        for (OpsState s : enabled) {
            if (s.has(org.jftrace.FtraceOps.Flag.SAVE_REGS)) {
                return true;
            }
        }
        return false;
    }

    /** {@return parameter {@code i}'s class, or null when it cannot be resolved} */
    Class<?> parameterType(int i) {
        Class<?>[] p = parameterTypes;
        if (p == null) {
            p = RegsImpl.registry.resolveParameterTypes(this);
            parameterTypes = p;
        }
        return p == null || i >= p.length ? null : p[i];
    }

    String argSorts() {
        String s = argSorts;
        if (s == null) {
            s = RegsImpl.sortsOf(descriptor).intern(); // interned: methods of one shape share it
            argSorts = s;
        }
        return s;
    }

    long ip() {
        return ipOf(index);
    }

    static long ipOf(int index) {
        return ((long) index) << Hooks.IP_SHIFT;
    }

    boolean traceable() {
        return notraceReason == null;
    }

    /** {@return {@code binary.class.Name.method}, what name globs match} */
    String functionName() {
        return functionName;
    }

    FunctionInfo info(int bci, int line) {
        return new FunctionInfo(ipOf(index) | bci, owner.name, name, descriptor, parameters, owner.module,
                owner.sourceFile, line, bci);
    }

    FunctionInfo info() {
        return info(0, firstLine);
    }

    @Override
    public String toString() {
        return functionName() + parameters;
    }
}
