package org.jftrace.tracers.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

/** The slots' claim, release and keep rules, with real threads (keep takes over only from ended ones). */
class PerThreadSlotsTest {

    @SuppressWarnings("deprecation") // threadId() is JDK 19+
    private static long id(Thread t) {
        return t.getId();
    }

    @Test
    void aKeptSlotIsFoundAgainWithItsValues() {
        PerThreadSlots s = new PerThreadSlots(64);
        Thread me = Thread.currentThread();
        int slot = s.keep(me, id(me));
        assertTrue(slot >= 0);
        s.set(slot, 0, 42);
        assertEquals(slot, s.keep(me, id(me)), "the same slot, no second claim");
        assertEquals(slot, s.find(id(me)));
        assertEquals(42, s.get(slot, 0));
        assertEquals(1, s.active());
    }

    /** Eight slots, one window: eight live keepers fill it; a ninth thread gets none until one ends, then its slot. */
    @Test
    void keepTakesOverTheSlotOfAThreadThatEndedNeverOfALiveOne() throws Exception {
        PerThreadSlots s = new PerThreadSlots(8);
        List<Thread> keepers = new ArrayList<>();
        AtomicReferenceArray<Integer> slots = new AtomicReferenceArray<>(8);
        java.util.concurrent.CountDownLatch kept = new java.util.concurrent.CountDownLatch(8);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch firstEnds = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            final int n = i;
            Thread t = new Thread(() -> {
                int slot = s.keep(Thread.currentThread(), id(Thread.currentThread()));
                slots.set(n, slot);
                if (slot >= 0) {
                    s.set(slot, 0, 1000 + n);
                }
                kept.countDown();
                try {
                    (n == 0 ? firstEnds : release).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "keeper-" + i);
            t.start();
            keepers.add(t);
        }
        kept.await();
        for (int i = 0; i < 8; i++) {
            assertTrue(slots.get(i) >= 0, "keeper " + i + " got a slot");
        }
        assertEquals(8, s.active());
        Thread me = Thread.currentThread();
        assertEquals(-1, s.keep(me, id(me)), "eight live keepers: no slot");
        firstEnds.countDown();
        keepers.get(0).join();
        int taken = s.keep(me, id(me));
        assertEquals((int) slots.get(0), taken, "the slot of the keeper that ended");
        assertEquals(0, s.get(taken, 0), "with its values cleared");
        assertEquals(8, s.active(), "the count stays: taken before and after");
        for (int i = 1; i < 8; i++) {
            assertEquals(1000 + i, s.get(slots.get(i), 0), "live keepers keep theirs");
        }
        release.countDown();
        for (Thread t : keepers) {
            t.join();
        }
    }

    /** Short-lived threads by the thousand through 8 slots: no slot is ever held by two at once. */
    @Test
    void threadsComingAndGoingNeverShareASlot() throws Exception {
        PerThreadSlots s = new PerThreadSlots(8);
        AtomicInteger[] users = new AtomicInteger[8];
        for (int i = 0; i < users.length; i++) {
            users[i] = new AtomicInteger();
        }
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger got = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            List<Thread> wave = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Thread th = new Thread(() -> {
                    Thread me = Thread.currentThread();
                    for (int i = 0; i < 200; i++) {
                        int slot = s.keep(me, id(me));
                        if (slot < 0) {
                            continue;
                        }
                        got.incrementAndGet();
                        if (!users[slot].compareAndSet(0, 1)) {
                            shared.incrementAndGet();
                        }
                        s.set(slot, 0, id(me));
                        Thread.onSpinWait();
                        if (s.get(slot, 0) != id(me)) {
                            shared.incrementAndGet();
                        }
                        users[slot].set(0);
                    }
                });
                th.start();
                wave.add(th);
            }
            all.addAll(wave);
            if (round % 2 == 1) { // let waves overlap, then drain
                for (Thread th : all) {
                    th.join();
                }
                all.clear();
            }
        }
        for (Thread th : all) {
            th.join();
        }
        assertEquals(0, shared.get(), "a slot used by two threads at once");
        assertTrue(got.get() > 100_000, "threads that came later got slots of those that ended: " + got.get());
    }
}
