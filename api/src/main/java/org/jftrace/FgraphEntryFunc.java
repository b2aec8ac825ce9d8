package org.jftrace;

/**
 * The entry handler of an {@link FgraphOps}: the kernel's {@code fgraph_ops.entryfunc}.
 *
 * <p>It runs at the entry of every method its ops selects, before the method's body, on the calling
 * thread. What it returns is this call's data: {@link FgraphOps#NO_EXIT} says that this call's exit
 * is not wanted; any other value (a timestamp, a counter, a small token) reaches the return handler
 * of the same call, kept on the traced method's own frame (nothing is allocated, nothing is looked up
 * per thread). An exception it throws is caught, counted on the ops
 * ({@link Ftrace#callbackErrors(FtraceOps)} on {@link FgraphOps#ops()}) and reported once; that call's
 * exit is then not delivered.
 */
@FunctionalInterface
public interface FgraphEntryFunc {
    /**
     * Called at the entry of a traced method.
     *
     * @param ip       the traced method's ip; {@link Ftrace#lookup(long)} resolves it
     * @param parentIp the call site in the caller with {@link FtraceOps.Flag#PARENT_IP}, else
     *                 {@link Ftrace#UNKNOWN_IP}
     * @param depth    how many traced calls of this thread are open below this one (the kernel's
     *                 {@code curr_ret_depth}): 0 for the outermost, counting every method some
     *                 {@link FgraphOps} hooks
     * @param gops     the ops this handler was registered with
     * @return this call's data for {@link FgraphRetFunc#ret}, or {@link FgraphOps#NO_EXIT}
     */
    long entry(long ip, long parentIp, int depth, FgraphOps gops);
}
