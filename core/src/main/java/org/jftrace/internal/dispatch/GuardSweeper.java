package org.jftrace.internal.dispatch;

import org.jftrace.internal.log.Log;

/**
 * The daemon {@code jftrace-sweeper}: frees dead threads' slots of the recursion guard's table once
 * a second while threads keep claiming new ones (a program that churns threads without ever
 * changing hooks would otherwise fill the table), reports runaway callbacks, and reports once when
 * guarded calls took the slower spill ({@link GuardSpill}).
 */
public final class GuardSweeper {
    private GuardSweeper() {
    }

    /** Starts the daemon. */
    public static void start() {
        Thread sweeper = new Thread(GuardSweeper::sweepForever, "jftrace-sweeper");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    private static void sweepForever() {
        boolean reported = false;
        while (true) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            final boolean was = ThreadGuard.enterJftrace(); // JDK code run here (isAlive) may be hooked
            try {
                if (ThreadGuard.claims > 0) {
                    ThreadGuard.sweep();
                }
                LiveOps.reportRunaways();
                if (GuardSpill.entered > 0 && !reported) {
                    reported = true;
                    Log.info("more threads in guarded calls at once than the recursion guard's table places well ("
                            + ThreadGuard.SLOTS + " slots): " + GuardSpill.entered + " guarded calls so far took its "
                            + "slower spill table (none was skipped); -Djftrace.threadSlots=" + (ThreadGuard.SLOTS * 4)
                            + " makes it larger");
                }
            } finally {
                ThreadGuard.leaveJftrace(was);
            }
        }
    }
}
