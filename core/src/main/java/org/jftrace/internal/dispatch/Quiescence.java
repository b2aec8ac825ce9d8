package org.jftrace.internal.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grace period of unregister (ftrace's RCU-tasks): waits until no thread but the caller is
 * inside the trampoline of an ops that is no longer live.
 *
 * <p>Why it is enough: unregister first clears {@link LiveOps#live} and relinks every hook site,
 * then takes all stacks. Taking stacks is a safepoint, a full barrier on every thread: a thread
 * that had not entered the trampoline by then reads {@code live == false} once it does, and skips
 * the callback; a thread that had entered shows the trampoline's frame (inlined frames included),
 * and we wait until that frame is gone. No hooked call pays anything for this.
 */
public final class Quiescence {
    private Quiescence() {
    }

    /** Waits until no thread other than the caller has a frame of class {@code trampolineName}. */
    public static void await(String trampolineName) {
        Thread self = Thread.currentThread();
        List<Thread> inside = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey() != self && hasFrame(e.getValue(), trampolineName)) {
                inside.add(e.getKey());
            }
        }
        long sleepNanos = 10_000L;
        while (!inside.isEmpty()) {
            for (int i = inside.size() - 1; i >= 0; i--) {
                Thread t = inside.get(i);
                if (!t.isAlive() || !hasFrame(t.getStackTrace(), trampolineName)) {
                    inside.remove(i);
                }
            }
            if (!inside.isEmpty()) {
                java.util.concurrent.locks.LockSupport.parkNanos(sleepNanos);
                sleepNanos = Math.min(sleepNanos * 2, 10_000_000L);
            }
        }
    }

    private static boolean hasFrame(StackTraceElement[] stack, String className) {
        for (StackTraceElement f : stack) {
            if (className.equals(f.getClassName())) {
                return true;
            }
        }
        return false;
    }
}
