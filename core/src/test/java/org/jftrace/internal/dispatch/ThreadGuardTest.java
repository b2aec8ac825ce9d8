package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** The recursion guard's slot table: one slot per live thread, found again, freed when the thread dies. */
class ThreadGuardTest {

    @Test
    void concurrentThreadsClaimDistinctSlotsAndFindThemAgain() throws Exception {
        final int n = 64;
        final int[] first = new int[n];
        final int[] again = new int[n];
        final Thread[] threads = new Thread[n];
        final CountDownLatch claimed = new CountDownLatch(n);
        final CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            final int k = i;
            threads[i] = new Thread(() -> {
                first[k] = ThreadGuard.slot();
                claimed.countDown();
                try {
                    release.await(); // all alive at once: no slot can be swept and reused
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                again[k] = ThreadGuard.slot();
            });
            threads[i].start();
        }
        claimed.await();
        release.countDown();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < n; i++) {
            threads[i].join();
            assertNotEquals(ThreadGuard.OVERFLOW, first[i], "64 threads fit in the table");
            assertEquals(first[i], again[i], "a thread finds the slot it claimed");
            assertTrue(slots.add(first[i]), "two live threads share slot " + first[i]);
            assertSame(threads[i], ThreadGuard.owner(first[i]));
        }
        ThreadGuard.sweep();
        for (int s : slots) {
            assertNull(ThreadGuard.owner(s), "the dead thread's slot " + s + " was not freed");
        }
    }

    @Test
    void sweepKeepsLiveThreadsAndBusyFlagsFollowTheThread() throws Exception {
        final int mine = ThreadGuard.slot();
        assertSame(Thread.currentThread(), ThreadGuard.owner(mine));
        ThreadGuard.sweep();
        assertEquals(mine, ThreadGuard.slot(), "a live thread keeps its slot across a sweep");

        boolean was = ThreadGuard.enterJftrace();
        try {
            assertTrue(ThreadGuard.BUSY[mine]);
            final boolean[] otherBusy = new boolean[1];
            Thread other = new Thread(() -> otherBusy[0] = ThreadGuard.BUSY[ThreadGuard.slot()]);
            other.start();
            other.join();
            assertFalse(otherBusy[0], "another thread saw this thread's guard as its own");
        } finally {
            ThreadGuard.leaveJftrace(was);
        }
        assertEquals(was, ThreadGuard.BUSY[mine]);
    }

    @Test
    void trainingLeavesTheTableAsItFoundIt() {
        final int mine = ThreadGuard.slot();
        HotPathWarmUp.trainSlot(); // also checks its own search results, and throws if one is wrong
        assertEquals(mine, ThreadGuard.slot());
        assertSame(Thread.currentThread(), ThreadGuard.owner(mine), "training gave this thread's slot away");
    }
}
