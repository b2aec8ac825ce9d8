package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The unregister guarantee on virtual threads (SPEC 3.2): once unregister returned, no callback of
 * that ops runs, so unregister waits for a virtual thread that is inside the callback, parked
 * (unmounted) or running. Earlier builds took the grace period from {@code Thread.getAllStackTraces},
 * which shows no virtual thread's frames: unregister returned at once, with the callback still running.
 */
class VirtualGraceTest {
    static final String TARGET = VirtualGraceTest.class.getName() + ".target";

    static int target(int x) {
        return x * 2;
    }

    /** Through reflection: the tests compile for Java 17 and run (past the assumption) on 21+. */
    static Thread startVirtual(Runnable r) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isVirtual() {
        return Thread.currentThread().getClass().getName().equals("java.lang.VirtualThread");
    }

    /** The one callback under test comes in, then holds until released. */
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean finished = new AtomicBoolean();
    final AtomicBoolean spin = new AtomicBoolean();
    final AtomicBoolean holdOnce = new AtomicBoolean(true);

    @BeforeEach
    void virtualThreads() {
        Assumptions.assumeTrue(ForkedJvm.jdkVersion() >= 21, "virtual threads need JDK 21+");
    }

    /** What every callback here does: the first one on a virtual thread holds, parked or spinning. */
    void callback() {
        if (!isVirtual() || !holdOnce.compareAndSet(true, false)) {
            return;
        }
        entered.countDown();
        try {
            if (spin.get()) {
                while (release.getCount() > 0) {
                    Thread.onSpinWait(); // stays mounted
                }
            } else {
                release.await(); // unmounts
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finished.set(true);
    }

    /** Calls the target on a virtual thread, waits for its callback to hold, and checks that {@code unregister} waits for it. */
    private void unregisterWaits(Runnable unregister) throws Exception {
        Thread caller = startVirtual(() -> target(21));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the callback never ran on the virtual thread");
        AtomicBoolean finishedWhenReturned = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread unregistering = new Thread(() -> {
            try {
                unregister.run();
                finishedWhenReturned.set(finished.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        unregistering.start();
        unregistering.join(500);
        assertTrue(unregistering.isAlive(), "unregister returned while a virtual thread was inside the callback");
        release.countDown();
        unregistering.join(30_000);
        assertFalse(unregistering.isAlive(), "unregister did not return once the callback had");
        assertEquals(null, failure.get());
        assertTrue(finishedWhenReturned.get(), "unregister returned before the callback did");
        caller.join(30_000);
    }

    private void plain(boolean spinning, FtraceOps.Flag... flags) throws Exception {
        spin.set(spinning);
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> callback()).flags(flags).filter(TARGET).build();
        Ftrace.registerFtraceFunction(ops);
        unregisterWaits(() -> Ftrace.unregisterFtraceFunction(ops));
    }

    @Test
    void guardedCallbackParked() throws Exception {
        plain(false);
    }

    @Test
    void guardedCallbackRunning() throws Exception {
        plain(true);
    }

    @Test
    void recursionSafeCallbackParked() throws Exception {
        plain(false, FtraceOps.Flag.RECURSION_SAFE);
    }

    @Test
    void exitHookEntryHandler() throws Exception {
        FgraphOps g = FgraphOps.builder((ip, parentIp, depth, o) -> {
            callback();
            return 0L;
        }, (ip, data, depth, exit, value, bits, o) -> { }).filter(TARGET).build();
        Ftrace.registerFgraph(g);
        unregisterWaits(() -> Ftrace.unregisterFgraph(g));
    }

    @Test
    void exitHookReturnHandler() throws Exception {
        FgraphOps g = FgraphOps.builder((ip, parentIp, depth, o) -> 0L,
                (ip, data, depth, exit, value, bits, o) -> callback()).filter(TARGET).build();
        Ftrace.registerFgraph(g);
        unregisterWaits(() -> Ftrace.unregisterFgraph(g));
    }

    /**
     * A virtual thread that unregisters its own ops from inside the callback does not wait for itself
     * (it returns, bounded), and no callback of that ops runs afterwards.
     */
    @Test
    void unregisterFromInsideTheCallbackOnAVirtualThread() throws Exception {
        AtomicInteger after = new AtomicInteger();
        AtomicBoolean unregistered = new AtomicBoolean();
        AtomicReference<FtraceOps> self = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> {
            if (unregistered.get()) {
                after.incrementAndGet();
            } else if (isVirtual()) {
                try {
                    Ftrace.unregisterFtraceFunction(self.get());
                    unregistered.set(true);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }
        }).flags(FtraceOps.Flag.RECURSION_SAFE).filter(TARGET).build();
        self.set(ops);
        Ftrace.registerFtraceFunction(ops);
        Thread v = startVirtual(() -> target(1));
        v.join(30_000);
        assertFalse(v.isAlive(), "unregister from inside its own callback on a virtual thread did not return");
        assertEquals(null, failure.get());
        assertTrue(unregistered.get());
        for (int i = 0; i < 1000; i++) {
            startVirtual(() -> target(2)).join();
        }
        assertEquals(0, after.get(), "callbacks after unregister returned");
    }
}
