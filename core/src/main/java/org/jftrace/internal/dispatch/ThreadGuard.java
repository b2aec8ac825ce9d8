package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * (Near 450 lines on purpose: the slot table, its call-free search, the exit hooks' per-slot depth
 * and the per-thread object share arrays that the JIT must see as constants of one class; the
 * spill, the sweeper and the branch training live apart.)
 *
 * <p>The per-thread recursion guard of callbacks (the kernel's {@code trace_test_and_set_recursion}),
 * found without running any JDK bytecode: {@code Thread.currentThread()} is an intrinsic, the thread
 * id a field read, the table jftrace's own. A {@code ThreadLocal} would run {@code ThreadLocal.get},
 * which a user may hook: the lookup would then recurse before the guard could refuse it.
 *
 * <p>A thread owns one slot of a table of constant size: {@link #OWNERS}{@code [slot]} is the
 * thread, {@link #BUSY}{@code [slot]} says whether it runs a guarded callback. {@link #slot()} finds
 * a thread's slot at its home with loads and one compare: no allocation, no array bounds check (the
 * arrays are constants); a thread not at home searches and claims by a call ({@link #search}), on a
 * branch trained both ways in warm-up ({@link HotPathWarmUp#trainSlot()}), so never a trap. A call
 * or an uncommon trap in a hooked method makes the JIT give it a full frame and a stack bang, about
 * 3.5 ns per call of a leaf method on the machines we measured (bench rows limitCheck and
 * limitBranch); the spill's call already does, and the search inlined instead cost real code more
 * in compile time than the call costs (BENCHMARKS.md, "The recursion guard on real code").
 *
 * <p>Slots of threads that died are freed by {@link #sweep()} (when hooks change, and every second
 * while threads keep claiming: {@link GuardSweeper}). A virtual thread holds a slot only while inside a guarded callback
 * ({@link #leave}), so millions of short-lived ones fit. A thread that finds no free slot near its
 * home (more platform threads than about a quarter of the table, or thousands of virtual threads
 * inside callbacks that block) gets {@link #OVERFLOW} and takes a busy flag of its own in
 * {@link GuardSpill}, a second level that grows: however many threads are inside callbacks at once,
 * none is skipped but for recursion. The spill is the guard's only call, on branches a thread that
 * finds its slot never takes. Calls that took it are counted and reported once. The table size is
 * the system property {@code jftrace.threadSlots} (a power of two), for programs with more threads.
 *
 * <p>The per-thread state that only some ops need (RCU's "watching", PER_CPU counters) lives in a
 * {@link ThreadGuard} object, made on the first use ({@link #ofCurrentThread()}); those checks may
 * call.
 */
public final class ThreadGuard {
    static final int DEFAULT_SLOTS = 1 << 14;
    static final int SLOTS = slotsProperty();
    static final int MASK = SLOTS - 1;
    /** What the slot search returns when no slot near home is free (index SLOTS, past every home): take the spill. */
    static final int OVERFLOW = SLOTS;
    /** How many slots from its home a thread looks at. */
    static final int PROBES = 8;

    /** The thread owning each slot, or null; claimed by compare-and-set, freed by {@link #sweep()}. */
    static final Thread[] OWNERS = new Thread[SLOTS + 1];
    /** True while the slot's thread runs a guarded callback; only that thread writes it. */
    static final boolean[] BUSY = new boolean[SLOTS + 1];
    /** The per-thread objects, by slot; made by {@link #ofCurrentThread()} when first needed. */
    private static final ThreadGuard[] GUARDS = new ThreadGuard[SLOTS + 1];
    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(Thread[].class);

    /** Slots claimed since the last sweep: the sweeper's cue. */
    static int claims;

    private static int slotsProperty() {
        int n = Integer.getInteger("jftrace.threadSlots", DEFAULT_SLOTS);
        return n >= 64 && Integer.bitCount(n) == 1 ? n : DEFAULT_SLOTS;
    }

    /**
     * Reads {@code Thread.tid} (a plain field load once compiled). The id is a better hash than
     * {@code System.identityHashCode}, whose intrinsic keeps a runtime call (for objects without a
     * hash in their header) in every hooked method. Not {@code Thread.getId()}: a subclass may
     * override it, and a hooked override would recurse here. Needs {@code java.lang} open to
     * jftrace (the agent opens it); else null and identity hashes.
     */
    private static final VarHandle TID = threadIdHandle();

    private static VarHandle threadIdHandle() {
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "tid", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** {@return the home slot of {@code t}} Fibonacci hashing: consecutive ids land far apart, so a pool does not cluster. */
    static int home(Thread t) {
        final long id = TID != null ? (long) TID.get(t) : System.identityHashCode(t);
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & MASK;
    }

    /** {@return {@code t}'s id as {@link #home} reads it} For the spill's hash. */
    static long id(Thread t) {
        return TID != null ? (long) TID.get(t) : System.identityHashCode(t);
    }

    /**
     * Takes the guard for a hooked call ({@link Dispatch#guarded}, which inlines it). {@return the
     * slot to give to {@link #leave}, or -1 if the thread runs a guarded callback already (recursion)}
     */
    static int enterHook() {
        return take(slot());
    }

    /** The same as {@link #enterHook()}, for jftrace's own code and the hook paths that may call anyway. */
    static int enter() {
        return take(slot());
    }

    /**
     * Test-and-set of the busy flag of {@code slot}; a thread with no slot near its home has one of
     * its own in {@link GuardSpill}: that call is on a branch warm-up trains both ways, so no trap.
     */
    /**
     * The guard for an exit-hook handler: the slot is the one the frame word of
     * {@link GraphHook#push} names (the thread holds it while its depth is above 0), so no search.
     * {@return as {@link #enter()}}
     */
    static int enterFromWord(int word) {
        final int slot = word >>> 16;
        return slot < OVERFLOW && slot != GraphHook.SPILLED ? take(slot) : enter();
    }

    private static int take(int slot) {
        if (slot == OVERFLOW) {
            return GuardSpill.enter(Thread.currentThread());
        }
        if (BUSY[slot]) {
            return -1;
        }
        BUSY[slot] = true;
        return slot;
    }

    /**
     * {@return the calling thread's slot, claimed if it had none, or {@link #OVERFLOW}: none near home,
     * the caller takes the spill} The hook path ({@link Dispatch#guarded}, the exit hook's depth)
     * inlines the home check only; the search and the claim are a call, on a branch warm-up trains
     * both ways ({@link HotPathWarmUp#trainSlot()}), taken by a thread's first guarded call, by every
     * guarded call of a virtual thread (it gives its slot back after each) and by a thread whose home
     * slot another thread holds. The search inlined into every hooked method made C2 compile hooked
     * code at a third of its speed on real code (BENCHMARKS.md, "The recursion guard on real code").
     */
    public static int slot() {
        final Thread t = Thread.currentThread();
        final int home = home(t);
        return OWNERS[home] == t ? home : search(t, home);
    }

    /** {@code java.lang.VirtualThread} on JDK 21+, else null (then {@link #leave} folds to one store). */
    private static final Class<?> VIRTUAL = virtualThreadClass();

    static Class<?> virtualThreadClass() {
        try {
            return Class.forName("java.lang.VirtualThread", false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /**
     * Ends a guarded call on {@code slot} ({@link #enterHook}, {@link #enter}). A virtual thread also
     * gives the slot back, unless it keeps per-thread state there (RCU, PER_CPU): virtual threads come
     * and go by the million, and a slot held until the sweeper finds its thread dead left new threads
     * none free. Call-free on the table: a class compare and a release store, ordered after BUSY's,
     * for the next claimer; a spill entry goes back by a call. {@link HotPathWarmUp} trains each branch.
     */
    static void leave(int slot) {
        if (slot > OVERFLOW) {
            GuardSpill.leave(slot);
            return;
        }
        BUSY[slot] = false;
        if (VIRTUAL != null && Thread.currentThread().getClass() == VIRTUAL && GUARDS[slot] == null && DEPTH[slot] == 0) {
            release(slot);
        }
    }

    /** Gives {@code slot} back (a release store, after the owner's last writes); tiny, so always inlined. */
    private static void release(int slot) {
        OWNER.setRelease(OWNERS, slot, (Thread) null);
    }

    /**
     * Exit-hooked calls open on the thread of each slot (the kernel's curr_ret_depth), for
     * {@link GraphHook}: found by {@link #slot()}. A virtual thread keeps its slot
     * while its depth is above 0 and gives it back when the depth returns to 0 ({@link #depthBack}).
     */
    static final int[] DEPTH = new int[SLOTS + 1];

    /** Sets the depth of {@code slot} back to {@code depth}; at 0 a virtual thread outside a guarded call gives the slot back. */
    static void depthBack(int slot, int depth) {
        DEPTH[slot & MASK] = depth;
        if (depth == 0 && VIRTUAL != null && !BUSY[slot & MASK] && GUARDS[slot & MASK] == null
                && Thread.currentThread().getClass() == VIRTUAL) {
            release(slot & MASK);
        }
    }

    /** {@return whether this JVM has virtual threads} For warm-up. */
    static boolean hasVirtualThreads() {
        return VIRTUAL != null;
    }

    /**
     * {@link #slot()}'s search and claim. A claim that loses a race is not a branch of its own: the
     * second search does not find the thread, which takes the spill for this one call.
     */
    private static int search(Thread t, int home) {
        for (int attempt = 0; attempt < 2; attempt++) {
            int free = -1;
            for (int k = 0; k < PROBES; k++) {
                final int i = (home + k) & MASK;
                final Thread o = OWNERS[i];
                if (o == t) {
                    return i;
                }
                if (o == null && free < 0) {
                    free = i;
                }
            }
            if (free < 0 || GuardSpill.held != 0 && GuardSpill.holds(t)) {
                break; // none free, or its guard is in the spill
            }
            OWNER.compareAndSet(OWNERS, free, (Thread) null, t);
            claims++;
        }
        return OVERFLOW;
    }

    /** {@return the slot where the calling thread holds the guard now (table, else spill), or -1} Claims nothing. */
    private static int heldSlot() {
        final Thread t = Thread.currentThread();
        final int home = home(t);
        for (int k = 0; k < PROBES; k++) {
            if (OWNERS[(home + k) & MASK] == t) {
                return (home + k) & MASK;
            }
        }
        return GuardSpill.find(t);
    }

    // ---------------------------------------------------------------- the per-thread object

    /** Whether RCU ops may run on this thread ({@link Rcu}); fixed when the guard is made. */
    final boolean watching;

    /** The thread this guard belongs to. */
    private final Thread thread;

    /**
     * PER_CPU counters of this thread, by ops' per-CPU id, stored as (counter - 1): the kernel's
     * counter starts at 1 (disabled) and the callback runs at exactly 0, so a fresh 0 here means
     * disabled and -1 means enabled. Only the owning thread reads or writes it (but resetPerCpu).
     */
    int[] perCpu = new int[0];

    /** Exit-hooked calls open on this thread when it has no slot of the table (spilled); see {@link GraphHook}. */
    int graphDepth;

    private ThreadGuard(Thread thread, boolean watching) {
        this.thread = thread;
        this.watching = watching;
    }

    public boolean perCpuEnabled(int id) {
        final int[] c = perCpu;
        return id < c.length && c[id] == -1;
    }

    /**
     * Adds {@code delta} to this thread's counter of PER_CPU ops {@code id} (-1: local enable, +1:
     * local disable). {@return whether the callback runs on this thread now (counter at exactly 0)}
     */
    public boolean perCpuAdd(int id, int delta) {
        if (this == REFUSED) {
            return false;
        }
        if (id >= perCpu.length) {
            growPerCpu(id);
        }
        perCpu[id] += delta; // stored = counter - 1
        return perCpu[id] == -1;
    }

    /**
     * What {@link #ofCurrentThread()} returns while the thread's object is being made: never
     * watching, no PER_CPU enabled, so those checks refuse.
     */
    static final ThreadGuard REFUSED = new ThreadGuard(null, false);

    /** The thread whose object {@link #make} is making: its nested hooked calls (from JDK code it runs) are refused. */
    private static Thread inserting;

    /**
     * {@return the calling thread's object, made if needed} The RCU and PER_CPU checks, and
     * jftrace's own code. The thread's home slot first: one load and a compare when it is there.
     */
    public static ThreadGuard ofCurrentThread() {
        final Thread t = Thread.currentThread();
        final int home = home(t);
        final ThreadGuard g = GUARDS[home];
        if (g != null && g.thread == t) {
            return g;
        }
        return ofSlot(t, slot());
    }

    private static ThreadGuard ofSlot(Thread t, int slot) {
        final ThreadGuard g = slot == OVERFLOW ? GuardSpill.guardOf(t) : GUARDS[slot];
        if (g != null && g.thread == t) {
            return g;
        }
        return make(slot, t);
    }

    /** Makes {@code t}'s object, on its table slot, or ({@code slot} OVERFLOW) in its spill entry, which it then keeps. */
    private static synchronized ThreadGuard make(int slot, Thread t) {
        if (inserting == t) {
            return REFUSED;
        }
        inserting = t;
        try {
            ThreadGuard g = slot == OVERFLOW ? GuardSpill.guardOf(t) : GUARDS[slot];
            if (g == null || g.thread != t) {
                g = new ThreadGuard(t, !Rcu.shutdownInProgress() && Rcu.watchingByName(t));
                if (slot == OVERFLOW) {
                    GuardSpill.keep(t, g);
                } else {
                    GUARDS[slot] = g;
                }
            }
            return g;
        } finally {
            inserting = null;
        }
    }

    /** Grows the counters under the class lock, so that a {@link #resetPerCpu} is not lost in the copy. */
    private void growPerCpu(int id) {
        synchronized (ThreadGuard.class) {
            perCpu = java.util.Arrays.copyOf(perCpu, Math.max(id + 1, perCpu.length * 2));
        }
    }

    /** {@return the length of this thread's PER_CPU counter array} For tests: it must not grow with every ops made. */
    public int perCpuCapacity() {
        return perCpu.length;
    }

    /**
     * Resets every thread's counter of PER_CPU id {@code id}, whose ops is gone, for the next ops
     * that gets the id. No thread can be using the id meanwhile: its ops was collected.
     */
    static synchronized void resetPerCpu(int id) {
        for (ThreadGuard g : GUARDS) {
            if (g != null && id < g.perCpu.length) {
                g.perCpu[id] = 0;
            }
        }
        GuardSpill.resetPerCpu(id);
    }

    // ---------------------------------------------------------------- jftrace's own work

    /**
     * Marks the calling thread busy while jftrace itself works (transforming a class, changing
     * hooks): the JDK code it runs may be hooked, and a guarded callback run from there could need
     * the very class being loaded (ClassCircularityError). The kernel does not trace ftrace's own
     * code either. {@return the previous state, for {@link #leaveJftrace}}
     */
    public static boolean enterJftrace() {
        return enter() < 0;
    }

    public static void leaveJftrace(boolean previous) {
        if (!previous) {
            leave(heldSlot());
        }
    }

    // ---------------------------------------------------------------- upkeep

    /** Frees the slots of dead threads. A dead thread cannot be using its slot, so no race with its owner. */
    public static synchronized void sweep() {
        GuardSpill.sweep();
        claims = 0;
        for (int i = 0; i < SLOTS; i++) {
            final Thread t = OWNERS[i];
            if (t != null && !t.isAlive()) {
                GUARDS[i] = null;
                BUSY[i] = false;
                DEPTH[i] = 0;
                OWNER.setRelease(OWNERS, i, (Thread) null); // after the resets above, for the next claimer
            }
        }
    }

    /** {@return the thread owning {@code slot}, or null} For tests and diagnostics. */
    static Thread owner(int slot) {
        return OWNERS[slot];
    }

    /**
     * For warm-up, to train the spill's branches: the first {@code taken} slots near this thread's
     * home go to {@code placeholder} (a thread never started), the others are freed; {@code taken} -1
     * gives them back to their owners, saved in {@code saved} ({@value #PROBES} + 1 entries) on the first call.
     */
    static synchronized void crowdHome(int taken, Thread[] saved, Thread placeholder) {
        final int home = home(Thread.currentThread());
        final boolean first = saved[PROBES] == null;
        for (int k = 0; k < PROBES; k++) {
            final int i = (home + k) & MASK;
            if (first && taken >= 0) {
                saved[k] = OWNERS[i];
            }
            OWNERS[i] = taken < 0 ? saved[k] : k < taken ? placeholder : null;
        }
        saved[PROBES] = taken < 0 ? null : placeholder; // marks "saved"
    }
}
