package org.jftrace;

/**
 * The return handler of an {@link FgraphOps}: the kernel's {@code fgraph_ops.retfunc}.
 *
 * <p>It runs when a call whose entry handler wanted its exit leaves the method: by a return, or by
 * an exception (thrown there or in a callee and not caught there), frames unwinding in order. It
 * runs on the same thread, with the same ip and depth as the entry, and the data the entry handler
 * returned. An exception it throws is caught, counted and reported once; the method's own result
 * or exception goes on unchanged.
 */
@FunctionalInterface
public interface FgraphRetFunc {
    /**
     * Called when a traced call exits.
     *
     * @param ip    the traced method's ip, as the entry handler got it
     * @param data  what the entry handler returned for this call
     * @param depth as the entry handler got it
     * @param exit  {@link FgraphOps.Exit#RETURN} or {@link FgraphOps.Exit#THROW}
     * @param value for {@link FgraphOps.Exit#THROW} the exception leaving the method; for a return, with
     *              {@link FtraceOps.Flag#SAVE_REGS}, the reference returned (null for a primitive or
     *              void method); otherwise null
     * @param bits  with {@link FtraceOps.Flag#SAVE_REGS}, a primitive return value as raw bits (as
     *              {@link Regs} keeps primitives: sign-extended int kinds, {@code floatToRawIntBits},
     *              {@code doubleToRawLongBits}); otherwise 0. Nothing is boxed.
     * @param gops  the ops this handler was registered with
     */
    void ret(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps gops);
}
