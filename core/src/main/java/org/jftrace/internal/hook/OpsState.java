package org.jftrace.internal.hook;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;

/**
 * The registry's state of one ops: its filters, whether it is registered, its trampoline and its
 * error count. Filter fields are written under the registry lock; {@link #live} is read by every
 * hooked call.
 */
final class OpsState {
    static final OpsState[] NONE = new OpsState[0];

    private static final VarHandle ERRORS;

    static {
        try {
            ERRORS = MethodHandles.lookup().findVarHandle(OpsState.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static int nextPerCpuId;

    /**
     * The ops and its callback, held strongly only while registered (hook sites bind them then).
     * Otherwise only {@link #ref} points at the ops, weakly: the registry keeps states in a
     * WeakHashMap keyed by the ops, and a strong reference from the value would keep the key, its
     * callback, its private data and their class loader alive for good.
     */
    FtraceOps ops;
    FtraceFunc func;
    final java.lang.ref.WeakReference<FtraceOps> ref;
    final java.util.Set<FtraceOps.Flag> flags;
    final String name;
    /** Index of this ops' counter in each thread's PER_CPU array, or -1 without PER_CPU. */
    final int perCpuId;
    private volatile boolean warnedNotPerCpu;

    /**
     * True from the end of register until unregister starts. Trampolines read it after the hook
     * site chose this ops; unregister clears it before its grace period, so a thread that picked
     * up an old call-site target skips the callback (pairs with the stack scan in {@link Quiescence}).
     */
    volatile boolean live;

    /** Guarded by the registry lock. */
    boolean registered;
    FilterList filter = FilterList.EMPTY;
    FilterList notrace = FilterList.EMPTY;
    Trampoline trampoline;
    TrampolinePool.Slot slot;
    /** Classes with a method this ops is enabled on; guarded by the registry lock. */
    final java.util.Set<ClassRecord> hookedClasses =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<ClassRecord, Boolean>());
    /** The last IPMODIFY target this ops' callback chose (a cache; any thread may write it). */
    volatile Redirects.Redirect lastRedirect;

    @SuppressWarnings("unused") // updated through ERRORS
    private volatile long errors;
    private volatile boolean reported;

    OpsState(FtraceOps ops) {
        this.ref = new java.lang.ref.WeakReference<>(ops);
        this.flags = ops.flags();
        this.name = ops.name();
        this.perCpuId = ops.has(FtraceOps.Flag.PER_CPU) ? nextPerCpuId() : -1;
    }

    private static synchronized int nextPerCpuId() {
        return nextPerCpuId++;
    }

    /** Warns once that a per-CPU call was made on an ops without PER_CPU (the kernel ignores it too). */
    void warnNotPerCpu() {
        if (!warnedNotPerCpu) {
            warnedNotPerCpu = true;
            Log.warn("ftrace_function_local_enable/disable on " + name + ", which has no PER_CPU flag: "
                    + "no effect", null);
        }
    }

    boolean has(FtraceOps.Flag flag) {
        return flags.contains(flag);
    }

    /** Holds the ops strongly: it is registered. */
    void pin(FtraceOps o) {
        this.ops = o;
        this.func = o.func();
    }

    /** Back to the weak reference only: unregistered, after the grace period. */
    void unpin() {
        this.ops = null;
        this.func = null;
    }

    /** Warm-up only: the first failure is not reported. */
    void markReported() {
        reported = true;
    }

    long errors() {
        return errors;
    }

    /** Counts a callback failure and reports the first one; runs inside the recursion guard. */
    void failed(long ip, Throwable t) {
        ERRORS.getAndAdd(this, 1L);
        if (!reported) {
            reported = true;
            Log.warn("callback of " + name + " threw " + t + " at ip 0x" + Long.toHexString(ip)
                    + "; counted, reported once, the traced method ran on", t);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
