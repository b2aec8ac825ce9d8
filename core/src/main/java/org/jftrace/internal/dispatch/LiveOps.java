package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.internal.log.Log;

/**
 * What hooked calls read of one ops (the hot half of the kernel's {@code struct ftrace_ops}):
 * whether it is live, its PER_CPU state, its error count, its trampoline and last redirect. The
 * control plane's half (filters, registration) is {@code ops.OpsState}, which owns one of these.
 *
 * <p>Field names say who writes them and how: {@link #live} and {@link #perCpuMany} are volatile
 * and read on every call; the ops and callback are held strongly only while registered.
 */
public final class LiveOps {
    public static final LiveOps[] NONE = new LiveOps[0];

    private static final VarHandle ERRORS;

    static {
        try {
            ERRORS = MethodHandles.lookup().findVarHandle(LiveOps.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The ops and its callback, held strongly only while registered (hook sites bind them then).
     * Otherwise the ops list holds the ops weakly, and a strong reference from here would keep it,
     * its callback, its private data and their class loader alive for good.
     */
    public FtraceOps ops;
    public FtraceFunc func;
    public final Set<FtraceOps.Flag> flags;
    public final String name;
    /** Index of this ops' counter in each thread's PER_CPU array, or -1 without PER_CPU; reused once the ops is gone. */
    public final int perCpuId;
    private volatile boolean warnedNotPerCpu;

    /**
     * PER_CPU: the only thread whose counter is at 0, or null. Meaningful only while
     * {@link #perCpuMany} is false; written under this object's lock. Plain: a thread's own enable or
     * disable is what changes its answer, and it sees its own write; other threads' writes never
     * change the answer for this thread.
     */
    public Thread perCpuOnly;
    /** PER_CPU: two threads were enabled at once at some time; hook sites then look counters up. Sticky. */
    public volatile boolean perCpuMany;
    /** PER_CPU: the threads whose counter is at 0 (dead ones pruned on each change); under this object's lock. */
    private final List<Thread> perCpuEnabled = new ArrayList<>();

    /**
     * True from the end of register until unregister starts. Trampolines read it after the hook
     * site chose this ops; unregister clears it before its grace period, so a thread that picked
     * up an old call-site target skips the callback (pairs with the stack scan in {@link Quiescence}).
     */
    public volatile boolean live;

    /** The generated trampoline class and its instance, while registered; written under the ops list's lock. */
    public TrampolinePool.Slot slot;
    public Trampoline trampoline;

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

    /** Whether this ops stands for an exit-hook ops ({@link org.jftrace.FgraphOps#of(FtraceOps)}). */
    public final boolean exitHooks;
    /**
     * The exit-hook ops, or null for a plain ops; held only while registered, as {@link #ops}: the
     * exit-hook ops holds its {@code FtraceOps}, the ops list's weak key, which this would keep.
     */
    public org.jftrace.FgraphOps graph;

    public LiveOps(FtraceOps ops) {
        this.graph = org.jftrace.FgraphOps.of(ops);
        this.exitHooks = graph != null;
        this.flags = ops.flags();
        this.ipmodify = ops.has(FtraceOps.Flag.IPMODIFY);
        this.name = ops.name();
        if (ops.has(FtraceOps.Flag.PER_CPU)) {
            this.perCpuId = PerCpuIds.claim(ops).id;
        } else {
            this.perCpuId = -1;
        }
    }

    /** {@return the dispatch bits bound at link time (see {@link Dispatch#PER_CPU_MANY})} */
    public int linkMode() {
        return perCpuMany ? Dispatch.PER_CPU_MANY : 0;
    }

    /**
     * Records that {@code t}'s counter went from enabled {@code was} to {@code now}.
     * {@return true if this made the state switch to {@link #perCpuMany}: hook sites must be relinked}
     */
    public synchronized boolean perCpuChanged(Thread t, boolean was, boolean now) {
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
    public void warnNotPerCpu() {
        if (!warnedNotPerCpu) {
            warnedNotPerCpu = true;
            Log.warn("ftrace_function_local_enable/disable on " + name + ", which has no PER_CPU flag: "
                    + "no effect", null);
        }
    }

    public boolean has(FtraceOps.Flag flag) {
        return flags.contains(flag);
    }

    /** Holds the ops strongly: it is registered. */
    public void pin(FtraceOps o) {
        this.ops = o;
        this.func = o.func();
        this.graph = org.jftrace.FgraphOps.of(o);
    }

    /** Back to the weak reference only: unregistered, after the grace period. */
    public void unpin() {
        this.ops = null;
        this.func = null;
        this.graph = null;
    }

    /** Warm-up only: the first failure is not reported. */
    void markReported() {
        reported = true;
    }

    public long errors() {
        return errors;
    }

    /** Counts a callback failure and reports the first one; runs inside the recursion guard. */
    void failed(long ip, Throwable t) {
        ERRORS.getAndAdd(this, 1L);
        if (!reported) {
            reported = true;
            try {
                Log.warn("callback of " + name + " threw " + t + " at ip 0x" + Long.toHexString(ip)
                        + "; counted, reported once, the traced method ran on", t);
            } catch (StackOverflowError tooDeep) {
                reported = false; // no stack left to report it here: the next failure is reported
            }
        }
    }

    /**
     * A callback threw StackOverflowError. If the stack shows this ops' trampoline
     * {@value #RUNAWAY_FRAMES} times or more, its callback re-entered itself through traced methods
     * without end (a RECURSION_SAFE callback that calls what it traces): the ops stops calling its
     * callback, as the kernel's ftrace_bug stops what cannot go on, and the program runs on.
     * Unwinding frames then skip the callback instead of recursing again (each level would, and a
     * callback making two traced calls turns that into an exponential hang). A program's own deep
     * recursion that overflows inside a callback shows the trampoline once, and changes nothing.
     */
    void stackOverflow(long ip, StackOverflowError e) { // near the stack's end: no logging here
        TrampolinePool.Slot sl = slot;
        if (!live || sl == null) {
            return;
        }
        String trampoline = sl.type().getName();
        int frames = 0;
        for (StackTraceElement f : e.getStackTrace()) {
            if (trampoline.equals(f.getClassName())) {
                frames++;
            }
        }
        if (frames >= RUNAWAY_FRAMES) {
            live = false;
            // Reported from a thread with stack to spare (the sweeper, or at exit): stores only here.
            for (int i = 0; i < RUNAWAY.length; i++) {
                if (RUNAWAY[i] == null || RUNAWAY[i] == this) {
                    RUNAWAY[i] = this;
                    break;
                }
            }
        }
    }

    /** Ops turned off by {@link #stackOverflow}, waiting for {@link #reportRunaways}; plain stores (a late report only). */
    private static final LiveOps[] RUNAWAY = new LiveOps[16];

    /** Reports the ops that {@link #stackOverflow} turned off; by jftrace's sweeper and at JVM exit. */
    static synchronized void reportRunaways() {
        for (int i = 0; i < RUNAWAY.length; i++) {
            LiveOps s = RUNAWAY[i];
            if (s == null) {
                continue;
            }
            RUNAWAY[i] = null;
            Log.warn("callback of " + s.name + " re-entered itself through traced methods until the stack overflowed: "
                    + "its callback is off from now on, the program runs on; unregister it, and let a callback that "
                    + "calls traced methods keep the recursion guard (drop RECURSION_SAFE) or notrace what it calls",
                    null);
        }
    }

    /** How many of an ops' own trampoline frames on an overflowed stack mean runaway recursion. */
    static final int RUNAWAY_FRAMES = 32;

    @Override
    public String toString() {
        return name;
    }
}
