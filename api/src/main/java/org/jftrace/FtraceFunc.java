package org.jftrace;

/**
 * The callback of an {@link FtraceOps}: the kernel's {@code ftrace_func_t}
 * {@code void func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op, struct pt_regs *regs)}.
 *
 * <p>It runs at the entry of every method its ops selects, on the calling thread, before the
 * method's body, in any context: class initialisers, shutdown hooks, system threads. An exception it
 * throws never reaches the traced method's caller: it is caught, counted on the ops
 * ({@link Ftrace#callbackErrors(FtraceOps)}) and reported once.
 */
@FunctionalInterface
public interface FtraceFunc {
    /**
     * Called at the entry of a traced method.
     *
     * @param ip       the traced method's ip (opaque, stable for the life of the JVM);
     *                 {@link Ftrace#lookup(long)} resolves it
     * @param parentIp the call site in the caller (resolved by {@link Ftrace#lookup(long)} to the
     *                 calling method, the bytecode index and the line), or
     *                 {@link Ftrace#UNKNOWN_IP} unless the ops has {@link FtraceOps.Flag#PARENT_IP}:
     *                 finding it walks the stack, which costs microseconds
     * @param op       the ops this callback was registered with
     * @param regs     the receiver and arguments with {@link FtraceOps.Flag#SAVE_REGS}, else {@code null}
     */
    void call(long ip, long parentIp, FtraceOps op, Regs regs);
}
