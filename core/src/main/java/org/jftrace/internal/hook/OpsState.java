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
     * PER_CPU: the only thread whose counter is at 0, or null. Meaningful only while
     * {@link #perCpuMany} is false; written under this state's lock. Plain: a thread's own enable or
     * disable is what changes its answer, and it sees its own write; other threads' writes never
     * change the answer for this thread.
     */
    Thread perCpuOnly;
    /** PER_CPU: two threads were enabled at once at some time; hook sites then look counters up. Sticky. */
    volatile boolean perCpuMany;
    /** PER_CPU: the threads whose counter is at 0 (dead ones pruned on each change); under this state's lock. */
    private final java.util.List<Thread> perCpuEnabled = new java.util.ArrayList<>();

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
    /**
     * The last IPMODIFY target this ops' callback chose: a cache that any thread may write, not
     * volatile (it is read on every redirected call; a {@code Redirect}'s fields are final, so a
     * racy read sees a whole one, and a stale one only costs a look-up).
     */
    Redirects.Redirect lastRedirect;
    /** {@code has(IPMODIFY)}, read on every redirected call. */
    final boolean ipmodify;

    @SuppressWarnings("unused") // updated through ERRORS
    private volatile long errors;
    private volatile boolean reported;

    OpsState(FtraceOps ops) {
        this.ref = new java.lang.ref.WeakReference<>(ops);
        this.flags = ops.flags();
        this.ipmodify = ops.has(FtraceOps.Flag.IPMODIFY);
        this.name = ops.name();
        this.perCpuId = ops.has(FtraceOps.Flag.PER_CPU) ? nextPerCpuId() : -1;
    }

    private static synchronized int nextPerCpuId() {
        return nextPerCpuId++;
    }

    /** {@return the dispatch bits bound at link time (see {@link Dispatch#PER_CPU_MANY})} */
    int linkMode() {
        return perCpuMany ? Dispatch.PER_CPU_MANY : 0;
    }

    /**
     * Records that {@code t}'s counter went from enabled {@code was} to {@code now}.
     * {@return true if this made the state switch to {@link #perCpuMany}: hook sites must be relinked}
     */
    synchronized boolean perCpuChanged(Thread t, boolean was, boolean now) {
        if (was == now) {
            return false;
        }
        perCpuEnabled.removeIf(x -> x == t || !x.isAlive());
        if (now) {
            perCpuEnabled.add(t);
        }
        if (perCpuEnabled.size() > 1 && !perCpuMany) {
            // perCpuOnly keeps the first thread until the sites are relinked: its calls go on meanwhile
            perCpuMany = true;
            return true;
        }
        perCpuOnly = perCpuEnabled.size() == 1 ? perCpuEnabled.get(0) : null;
        return false;
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
