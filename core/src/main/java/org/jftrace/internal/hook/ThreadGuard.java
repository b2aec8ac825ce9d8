package org.jftrace.internal.hook;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The per-thread recursion guard of callbacks (the kernel's {@code trace_test_and_set_recursion}),
 * found without running any JDK bytecode: {@code Thread.currentThread()} is an intrinsic, the thread
 * id a field read, the table jftrace's own. A {@code ThreadLocal}
 * would run {@code ThreadLocal.get}, which a user may hook: the lookup would then recurse before
 * the guard could refuse it.
 *
 * <p>Readers take no lock (see {@link #slots}). Writers (a thread's first hooked call) hold the
 * class lock and publish a fresh table; a rebuild drops the guards of dead threads.
 */
final class ThreadGuard {
    /** True while this thread runs a guarded callback; only its own thread reads or writes it. */
    boolean busy;

    /** Whether RCU ops may run on this thread ({@link Rcu}); fixed when the guard is made. */
    final boolean watching;

    /**
     * PER_CPU counters of this thread, by ops' per-CPU id, stored as (counter - 1): the kernel's
     * counter starts at 1 (disabled) and the callback runs at exactly 0, so a fresh 0 here means
     * disabled and -1 means enabled. Only the owning thread reads or writes it.
     */
    private int[] perCpu = new int[0];

    boolean perCpuEnabled(int id) {
        final int[] c = perCpu;
        return id < c.length && c[id] == -1;
    }

    /**
     * Adds {@code delta} to this thread's counter of PER_CPU ops {@code id} (-1: local enable, +1:
     * local disable). {@return whether the callback runs on this thread now (counter at exactly 0)}
     */
    boolean perCpuAdd(int id, int delta) {
        if (this == REFUSED) {
            return false;
        }
        if (id >= perCpu.length) {
            perCpu = java.util.Arrays.copyOf(perCpu, Math.max(id + 1, perCpu.length * 2));
        }
        perCpu[id] += delta; // stored = counter - 1
        return perCpu[id] == -1;
    }

    /** The thread this guard belongs to; a table slot holds it for as long as the thread lives. */
    private final Thread thread;

    /**
     * Open-addressing table of guards, indexed from the thread's id. Written only under the class
     * lock, always as a fresh copy. Deliberately not volatile, so that the JIT may share one lookup
     * between the several ops of a hooked method: a reader that sees an old table, or a slot not yet
     * visible, misses and takes {@link #slowPath}, which looks again under the lock. A guard's
     * {@code thread} is final, so a guard seen through a racy read is always fully built.
     */
    private static ThreadGuard[] slots = new ThreadGuard[256];

    /**
     * Direct-mapped cache in front of {@link #slots}: {@code HOME[id & HOME_MASK]} holds the guard of
     * the first live thread with that home. A final array of constant length saves the hot path
     * the table and length loads and the bounds check (about 1 ns of a 2 ns lookup, measured).
     * Written under the class lock; readers check the guard's thread.
     */
    private static final ThreadGuard[] HOME = new ThreadGuard[4096];
    private static final int HOME_MASK = 4095;
    private static int count;
    /** The thread inside {@link #slowPath}: its nested hooked calls (from JDK code it runs) are refused. */
    private static Thread inserting;

    /**
     * Reads {@code Thread.tid} (a plain field load once compiled). The id is a better hash than
     * {@code System.identityHashCode}, whose intrinsic keeps a runtime call (for objects without a
     * hash in their header) in every hooked method. Not
     * {@code Thread.getId()}: a subclass may override it, and a hooked override would recurse here.
     * Needs {@code java.lang} open to jftrace (the agent opens it); else null and identity hashes.
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

    /** {@return whether thread ids (rather than identity hashes) index the table: java.lang was opened in time} */
    static boolean usesThreadIds() {
        return TID != null;
    }

    private static int hash(Thread t) {
        return TID != null ? (int) (long) TID.get(t) : System.identityHashCode(t);
    }

    private ThreadGuard(Thread thread, boolean watching) {
        this.thread = thread;
        this.watching = watching;
    }

    /**
     * What {@link #current()} returns on a thread whose guard is being made: always busy, never
     * watching, no PER_CPU enabled, so every check refuses. A shared object rather than null keeps
     * one never-taken test out of every guarded hooked call.
     */
    static final ThreadGuard REFUSED = new ThreadGuard(null, false);

    static {
        REFUSED.busy = true;
    }

    /**
     * Marks the calling thread busy while jftrace itself works (transforming a class, changing
     * hooks): the JDK code it runs may be hooked, and a guarded callback run from there could need
     * the very class being loaded (ClassCircularityError). The kernel does not trace ftrace's own
     * code either. {@return the previous state, for {@link #leaveJftrace}}
     */
    static boolean enterJftrace() {
        ThreadGuard g = ofCurrentThread();
        boolean was = g.busy;
        g.busy = true;
        return was;
    }

    static void leaveJftrace(boolean previous) {
        ThreadGuard g = ofCurrentThread();
        if (g != REFUSED) {
            g.busy = previous;
        }
    }

    /**
     * {@return the calling thread's guard, or {@link #REFUSED} while it is being created} For hook
     * sites only: jftrace's own code calls {@link #ofCurrentThread()}. The JIT compiles the miss
     * branch below as an uncommon trap only if its profile never saw it taken; otherwise the miss
     * path is a real call, which forces the hooked method's live values onto the stack (measured:
     * about 0.9 ns per call). Guards are therefore made ahead for every live thread
     * ({@link #addLiveThreads}) when hooks change, and no other caller shares this profile.
     */
    static ThreadGuard current() {
        final Thread t = Thread.currentThread();
        final ThreadGuard g = HOME[hash(t) & HOME_MASK];
        if (g != null && g.thread == t) {
            return g;
        }
        return probe(t);
    }

    /** {@return the calling thread's guard, made if needed} For jftrace's own code (see {@link #current()}). */
    static ThreadGuard ofCurrentThread() {
        return probe(Thread.currentThread());
    }

    /**
     * The thread is not in its home slot: a collision, or not in this (possibly stale) table. A
     * published table is at most half full, so the probe ends without the lock.
     */
    private static ThreadGuard probe(Thread t) {
        final ThreadGuard[] s = slots;
        final ThreadGuard g = s[find(s, t)];
        return g != null ? g : slowPath(t);
    }

    private static synchronized ThreadGuard slowPath(Thread t) {
        if (inserting == t) {
            return REFUSED;
        }
        inserting = t;
        try {
            ThreadGuard g = slots[find(slots, t)];
            if (g == null) {
                add(new Thread[] {t}, 1);
                g = slots[find(slots, t)];
            }
            return g;
        } finally {
            inserting = null;
        }
    }

    /**
     * Makes the guards of all live platform threads that have none yet, so that their first hooked
     * call does not take the miss path (see {@link #current()}). Called when hooks change.
     */
    static synchronized void addLiveThreads() {
        final Thread self = Thread.currentThread();
        if (inserting == self) {
            return;
        }
        inserting = self;
        try {
            ThreadGroup root = self.getThreadGroup();
            while (root != null && root.getParent() != null) {
                root = root.getParent();
            }
            if (root == null) {
                return; // this thread has terminated
            }
            Thread[] all = new Thread[root.activeCount() * 2 + 16];
            int n = root.enumerate(all, true);
            int missing = 0;
            for (int k = 0; k < n; k++) {
                if (slots[find(slots, all[k])] == null) {
                    all[missing++] = all[k];
                }
            }
            add(all, missing);
        } finally {
            inserting = null;
        }
    }

    /** Makes and publishes the guards of the first {@code n} of {@code threads}, which have none. Under the class lock. */
    private static void add(Thread[] threads, int n) {
        if (n == 0) {
            return;
        }
        ThreadGuard[] s = withRoomFor(slots, n);
        boolean shutdown = Rcu.shutdownInProgress();
        for (int k = 0; k < n; k++) {
            ThreadGuard g = new ThreadGuard(threads[k], !shutdown && Rcu.watchingByName(threads[k]));
            s[find(s, threads[k])] = g;
            cacheHome(g);
        }
        count += n;
        slots = s; // publish; the lock's release orders it before any later slowPath's read
    }

    /** Puts {@code g} in its {@link #HOME} slot unless a live thread holds it. Under the class lock. */
    private static void cacheHome(ThreadGuard g) {
        final int i = hash(g.thread) & HOME_MASK;
        final ThreadGuard old = HOME[i];
        if (old == null || !old.thread.isAlive()) {
            HOME[i] = g; // a racy reader sees null, the old guard or g: all checked by thread
        }
    }

    /** {@return a copy of {@code s} (rebuilt without dead threads if needed) with room for {@code more} guards} */
    private static ThreadGuard[] withRoomFor(ThreadGuard[] s, int more) {
        return (count + more) * 2 > s.length ? rebuild(s, more) : s.clone();
    }

    /** {@return the slot of {@code t} in {@code s}, or of the first free slot on its probe sequence} */
    private static int find(ThreadGuard[] s, Thread t) {
        final int mask = s.length - 1;
        int i = hash(t) & mask;
        while (s[i] != null && s[i].thread != t) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** A fresh table without the guards of dead threads, at most half full with {@code more} more guards. */
    private static ThreadGuard[] rebuild(ThreadGuard[] old, int more) {
        int alive = 0;
        for (ThreadGuard g : old) {
            if (g != null && g.thread.isAlive()) {
                alive++;
            }
        }
        int size = old.length;
        while ((alive + more) * 2 > size) {
            size *= 2;
        }
        ThreadGuard[] s = new ThreadGuard[size];
        for (ThreadGuard g : old) {
            if (g != null && g.thread.isAlive()) {
                s[find(s, g.thread)] = g;
            }
        }
        count = alive;
        return s;
    }
}
