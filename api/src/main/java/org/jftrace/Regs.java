package org.jftrace;

/**
 * The JVM's {@code struct pt_regs}: the receiver and arguments of a traced call, handed to a
 * callback whose ops has {@link FtraceOps.Flag#SAVE_REGS} (else the callback gets {@code null}).
 * Valid only during the callback, on its thread; every ops on the method sees the same regs, in
 * order, so a rewrite by one is seen by the next.
 *
 * <p>Partial regs: a constructor's receiver is {@code null} (it is not initialised before
 * {@code super()} returns); a static method's receiver is {@code null}.
 */
public interface Regs {
    /** {@return the traced method's ip, as passed to the callback} */
    long ip();

    /** {@return the receiver, or {@code null} for a static method or a constructor} */
    Object receiver();

    /** {@return the number of declared parameters} */
    int argCount();

    /** {@return argument {@code index} (primitives boxed)} @throws IndexOutOfBoundsException for a bad index */
    Object arg(int index);

    /**
     * Rewrites argument {@code index}: the method body (or the replacement, after an ip change) sees
     * {@code value}. A primitive parameter takes its box type ({@code Integer} for {@code int} ...).
     *
     * @throws FtraceException EINVAL if {@code value} does not fit the parameter's type (nothing changes)
     */
    void setArg(int index, Object value);

    /**
     * IPMODIFY: sets the ip to another method, which then runs instead of the traced body with the
     * (possibly rewritten) arguments; its result or exception is what the caller gets. The
     * replacement of an instance method may be an instance method of a compatible type or a static
     * method that takes the receiver first; parameter and return types must fit. Setting the traced
     * method's own ip cancels a redirect.
     *
     * @throws FtraceException EINVAL if the ops lacks IPMODIFY, {@code ip} names no method, the
     *                         method is a constructor, or the signature does not fit (the original body runs)
     */
    void setIp(long ip);

    /** Like {@link #setIp(long)} with {@code Ftrace.lookupIp(name)}. */
    void setIp(String name);
}
