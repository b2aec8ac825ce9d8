package org.jftrace;

/**
 * A callback that redirects every call it sees to one replacement: {@code regs.setIp(ip)} and
 * nothing else. Register it with {@link FtraceOps.Flag#IPMODIFY} and {@link FtraceOps.Flag#SAVE_REGS}
 * like any redirecting callback; {@link LivePatch} does. {@link Ftrace#checkRedirect} tells ahead
 * whether the replacement fits the methods it will redirect.
 *
 * <p>Why a class of its own: jftrace knows what it will do. On a method where it is the only ops
 * enabled (and has neither {@link FtraceOps.Flag#PER_CPU} nor {@link FtraceOps.Flag#RCU}, which decide
 * per call whether the callback runs), the method is linked straight to the replacement, checked
 * once when the method is linked: no registers are made and no callback runs per call, so the JIT
 * compiles the traced method into the replacement's code, as if it had been called directly. (A
 * general callback that chooses the ip per call keeps a path for an ip it has not seen before,
 * which the JIT compiles to a call or a trap, and a method with one gets a full frame.) Anywhere
 * else (another ops on the same method, a misfit replacement, a hook without registers) it runs as
 * the ordinary callback it is, and a misfit is reported per call as {@link Regs#setIp} reports it.
 */
public final class RedirectFunc implements FtraceFunc {
    private final long ip;

    private RedirectFunc(long ip) {
        this.ip = ip;
    }

    /**
     * {@return a callback redirecting to the method of {@code ip}}
     *
     * @param ip the replacement's ip, as {@link Ftrace#lookupIp} gives it
     */
    public static RedirectFunc to(long ip) {
        return new RedirectFunc(ip);
    }

    /**
     * {@return a callback redirecting to method {@code name}}
     *
     * @param name the replacement's name, as {@link Ftrace#lookupIp} takes it
     * @throws FtraceException ENOENT if no such method; ENODEV without the agent
     */
    public static RedirectFunc to(String name) {
        return new RedirectFunc(Ftrace.lookupIp(name));
    }

    /** {@return the replacement's ip} */
    public long ip() {
        return ip;
    }

    /** @throws FtraceException EINVAL without regs (the ops lacks SAVE_REGS, or its hook did not fit the method) */
    @Override
    public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
        if (regs == null) {
            String method = Ftrace.lookup(ip).map(FunctionInfo::name).orElse("0x" + Long.toHexString(ip));
            throw new FtraceException(Errno.EINVAL, op.name() + " redirects, but " + method + " got no regs: give "
                    + "the ops SAVE_REGS (a method too large for the regs hook cannot be redirected)");
        }
        regs.setIp(this.ip);
    }

    @Override
    public String toString() {
        return "redirect to 0x" + Long.toHexString(ip);
    }
}
