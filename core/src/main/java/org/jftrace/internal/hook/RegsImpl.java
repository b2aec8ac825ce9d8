package org.jftrace.internal.hook;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.Regs;
import org.jftrace.internal.boot.Hooks;

/**
 * One traced call's registers: the receiver and the hook's argument array (which the hooked
 * method reloads when {@link #result()} says so; its last slot takes a redirect). Made per call;
 * it never leaves the hook, so when the JIT inlines the callbacks and they do not keep it, escape
 * analysis removes it, the array and the boxes.
 */
final class RegsImpl implements Regs {
    static volatile Registry registry;

    private final long ip;
    private final Object receiver;
    private final Object[] args;
    private boolean changed;
    private Redirects.Redirect redirect;
    /** The ops whose callback runs now; set by dispatch, for the IPMODIFY check. */
    OpsState current;

    RegsImpl(long ip, Object receiver, Object[] args) {
        this.ip = ip;
        this.receiver = receiver;
        this.args = args;
    }

    /** The regs chain's allocation (see Registry.NEW_REGS). */
    static RegsImpl make(long ip, Object receiver, Object[] args) {
        return new RegsImpl(ip, receiver, args);
    }

    /** {@return what the hook returns: null if no callback changed anything, else {@link Hooks#CHANGED}} */
    Object result() {
        if (!changed) {
            return null;
        }
        args[args.length - 1] = redirect;
        return Hooks.CHANGED;
    }

    @Override
    public long ip() {
        return ip;
    }

    @Override
    public Object receiver() {
        return receiver;
    }

    @Override
    public int argCount() {
        return args.length - 1;
    }

    @Override
    public Object arg(int index) {
        checkIndex(index);
        return args[index];
    }

    @Override
    public void setArg(int index, Object value) {
        checkIndex(index);
        Class<?> type = method().parameterType(index);
        if (type != null && !fits(type, value)) {
            throw new FtraceException(Errno.EINVAL, "argument " + index + " of " + method() + " is a "
                    + type.getName() + "; " + (value == null ? "null" : value.getClass().getName())
                    + " does not fit (a primitive takes its box type, non-null)");
        }
        args[index] = value;
        changed = true;
    }

    @Override
    public void setIp(long newIp) {
        OpsState s = current;
        if (s == null || !s.has(FtraceOps.Flag.IPMODIFY)) {
            throw new FtraceException(Errno.EINVAL, "ip can only be changed by a callback whose ops has "
                    + "IPMODIFY (and SAVE_REGS); the original body runs");
        }
        if (newIp == ip) {
            redirect = null;
            return;
        }
        // Most redirecting ops always pick the same replacement: keep the last one on the ops.
        Redirects.Redirect r = s.lastRedirect;
        if (r == null || r.target.ip() != newIp || r.traced.ip() != ip) {
            r = registry.redirects().find(method(), newIp);
            s.lastRedirect = r;
        }
        redirect = r;
        changed = true;
    }

    @Override
    public void setIp(String name) {
        setIp(Ftrace.lookupIp(name));
    }

    /** The array's last slot is the redirect's, not an argument. */
    private void checkIndex(int index) {
        if (index < 0 || index >= args.length - 1) {
            throw new IndexOutOfBoundsException("argument " + index + " of " + (args.length - 1));
        }
    }

    private MethodRecord method() {
        MethodRecord m = registry.method(ip);
        if (m == null) {
            throw new IllegalStateException("ip 0x" + Long.toHexString(ip) + " is not in the function table");
        }
        return m;
    }

    private static boolean fits(Class<?> type, Object value) {
        if (type.isPrimitive()) {
            return value != null && Redirects.box(type) == value.getClass();
        }
        return value == null || type.isInstance(value);
    }
}
