package org.jftrace.internal.dispatch;

/**
 * Where the runtime is "watching" (the kernel's {@code rcu_is_watching}) for RCU ops: after
 * jftrace's start finished and before JVM shutdown began, on threads other than the JVM's system
 * threads and jftrace's own. Per-thread exclusions are decided when a thread's guard is made
 * ({@link ThreadGuard#watching}); a shutdown hook thread is recognised because it first runs after
 * shutdown began.
 */
public final class Rcu {
    /** Set by the agent when start finished; cleared by jftrace's shutdown hook. */
    static volatile boolean watching;
    private static volatile boolean shutdown;

    private static final String[] SYSTEM_THREADS = {
        "Reference Handler", "Finalizer", "Signal Dispatcher", "Common-Cleaner", "Attach Listener",
        "Notification Thread", "Service Thread", "process reaper", "DestroyJavaVM",
    };

    private Rcu() {
    }

    /** Called once by the agent when jftrace is ready. */
    public static void start() {
        Thread hook = new Thread(new Runnable() {
            @Override
            public void run() {
                shutdown = true;
                watching = false;
                LiveOps.reportRunaways(); // what the sweeper had no time to report
            }
        }, "jftrace-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        watching = true;
    }

    /**
     * {@return false for the JVM's system threads and jftrace's own, by name} A thread's guard is
     * watching if this holds and shutdown had not begun when the guard was made.
     */
    static boolean watchingByName(Thread t) {
        String name = t.getName();
        if (name.startsWith("jftrace")) {
            return false;
        }
        for (String s : SYSTEM_THREADS) {
            if (s.equals(name)) {
                return false;
            }
        }
        return true;
    }

    static boolean shutdownInProgress() {
        if (shutdown) {
            return true;
        }
        // Runtime refuses new shutdown hooks once shutdown began: that tells a hook thread apart.
        Thread probe = new Thread("jftrace-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
