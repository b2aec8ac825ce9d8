package org.jftrace.internal.functions;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.jftrace.internal.boot.Hooks;

/**
 * Parent ips: a caller frame as (caller's method index, bytecode index), and the source line of
 * each call site seen, for {@code lookup}. A caller's class missing from the table is scanned on
 * the spot (its class file read first, with no lock held).
 */
public final class CallSites {
    private final ClassDiscovery discovery;
    private final Object lock;
    private final Map<Long, Integer> lines = Collections.synchronizedMap(new HashMap<>());

    public CallSites(ClassDiscovery discovery, Object lock) {
        this.discovery = discovery;
        this.lock = lock;
    }

    /** {@return the parent ip of a caller frame, or 0 when its method is not known} */
    public long callSiteIp(StackWalker.StackFrame caller) {
        Class<?> k = caller.getDeclaringClass();
        FunctionTable table = discovery.table();
        ClassRecord c = table.find(k.getClassLoader(), k.getName());
        if (c == null) {
            discovery.prefetchOne(k);
            synchronized (lock) {
                discovery.scanLoaded(k, true);
            }
            discovery.dropPrefetched(k);
            c = table.find(k.getClassLoader(), k.getName());
            if (c == null) {
                return 0L;
            }
        }
        String desc = caller.getDescriptor();
        for (MethodRecord m : c.methods) {
            if (m.name.equals(caller.getMethodName()) && m.descriptor.equals(desc)) {
                int bci = caller.getByteCodeIndex();
                long ip = m.ip() | (bci & ((1L << Hooks.IP_SHIFT) - 1));
                if (bci > 0) {
                    lines.putIfAbsent(ip, caller.getLineNumber());
                }
                return ip;
            }
        }
        return 0L;
    }

    /** Forgets the call-site lines of methods that are gone from the table. */
    public void purge() {
        FunctionTable table = discovery.table();
        synchronized (lines) {
            lines.keySet().removeIf(ip -> table.methodOfIp(ip) == null);
        }
    }

    /** {@return the source line of call site {@code ip}, or -1} */
    public int line(long ip) {
        Integer line = lines.get(ip);
        return line == null ? -1 : line;
    }
}
