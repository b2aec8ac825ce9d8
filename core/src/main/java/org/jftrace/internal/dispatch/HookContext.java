package org.jftrace.internal.dispatch;

import org.jftrace.internal.functions.CallSites;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.functions.Reflection;

/**
 * What the hook path needs of the rest of the core, reached from code that has only an ip (the
 * registers, a parent-ip walk, a static-call regs hook): the function table, redirect invokers,
 * call sites. Set once by the core when it starts; null before (warm-up), which each use allows for.
 */
public final class HookContext {
    static volatile FunctionTable table;
    static volatile Redirects redirects;
    static volatile CallSites callSites;
    static volatile Reflection reflection;

    private HookContext() {
    }

    /** Called once by the core's start. */
    public static void install(FunctionTable t, Redirects r, CallSites c, Reflection reflect) {
        table = t;
        redirects = r;
        callSites = c;
        reflection = reflect;
    }

    /** {@return the method an ip points into, or null} */
    static MethodRecord method(long ip) {
        final FunctionTable t = table;
        return t == null ? null : t.methodOfIp(ip);
    }
}
