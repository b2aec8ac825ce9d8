package org.jftrace.internal.hook;

/**
 * The per-thread recursion guard of callbacks (the kernel's {@code trace_test_and_set_recursion}),
 * found without running any JDK bytecode: {@code Thread.currentThread()} and
 * {@code System.identityHashCode} are intrinsics, the table is jftrace's own. A {@code ThreadLocal}
 * would run {@code ThreadLocal.get}, which a user may hook: the lookup would then recurse before
 * the guard could refuse it.
 *
 * <p>Readers take no lock: buckets are chains of immutable nodes, published by a volatile store of
 * the table. Writers (a thread's first hooked call) hold the class lock; a table rebuild drops the
 * nodes of dead threads.
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

    /** Adds {@code delta} to this thread's counter of PER_CPU ops {@code id} (-1: local enable, +1: local disable). */
    void perCpuAdd(int id, int delta) {
        if (this == REFUSED) {
            return;
        }
        if (id >= perCpu.length) {
            perCpu = java.util.Arrays.copyOf(perCpu, Math.max(id + 1, perCpu.length * 2));
        }
        perCpu[id] += delta; // stored = counter - 1
    }

    private static final class Node {
        final Thread thread;
        final ThreadGuard guard;
        final Node next;

        Node(Thread thread, ThreadGuard guard, Node next) {
            this.thread = thread;
            this.guard = guard;
            this.next = next;
        }
    }

    private static volatile Node[] table = new Node[256];
    private static int count;
    /** The thread inside {@link #slowPath}: its nested hooked calls (from JDK code it runs) are refused. */
    private static Thread inserting;

    private ThreadGuard(boolean watching) {
        this.watching = watching;
    }

    /**
     * What {@link #current()} returns on a thread whose guard is being made: always busy, never
     * watching, no PER_CPU enabled, so every check refuses. A shared object rather than null keeps
     * one never-taken test out of every guarded hooked call.
     */
    static final ThreadGuard REFUSED = new ThreadGuard(false);

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
        ThreadGuard g = current();
        if (g == null) {
            return true;
        }
        boolean was = g.busy;
        g.busy = true;
        return was;
    }

    static void leaveJftrace(boolean previous) {
        ThreadGuard g = current();
        if (g != null) {
            g.busy = previous;
        }
    }

    /** {@return the calling thread's guard, or {@link #REFUSED} while it is being created} */
    static ThreadGuard current() {
        final Thread t = Thread.currentThread();
        final Node[] tab = table;
        for (Node n = tab[System.identityHashCode(t) & (tab.length - 1)]; n != null; n = n.next) {
            if (n.thread == t) {
                return n.guard;
            }
        }
        return slowPath(t);
    }

    private static synchronized ThreadGuard slowPath(Thread t) {
        if (inserting == t) {
            return REFUSED;
        }
        inserting = t;
        try {
            Node[] tab = table;
            int i = System.identityHashCode(t) & (tab.length - 1);
            for (Node n = tab[i]; n != null; n = n.next) {
                if (n.thread == t) {
                    return n.guard;
                }
            }
            if (count >= tab.length) {
                tab = rebuild(tab);
                i = System.identityHashCode(t) & (tab.length - 1);
            }
            ThreadGuard g = new ThreadGuard(Rcu.watchingOn(t));
            Node[] copy = tab.clone();
            copy[i] = new Node(t, g, copy[i]);
            count++;
            table = copy; // publish: readers see the node fully built (final fields, volatile store)
            return g;
        } finally {
            inserting = null;
        }
    }

    /** Drops the nodes of dead threads; doubles the table when most threads are alive. */
    private static Node[] rebuild(Node[] tab) {
        int alive = 0;
        for (Node head : tab) {
            for (Node n = head; n != null; n = n.next) {
                if (n.thread.isAlive()) {
                    alive++;
                }
            }
        }
        int size = tab.length;
        while (alive * 2 >= size) {
            size *= 2;
        }
        Node[] n2 = new Node[size];
        for (Node head : tab) {
            for (Node n = head; n != null; n = n.next) {
                if (n.thread.isAlive()) {
                    int i = System.identityHashCode(n.thread) & (size - 1);
                    n2[i] = new Node(n.thread, n.guard, n2[i]);
                }
            }
        }
        count = alive;
        return n2;
    }
}
