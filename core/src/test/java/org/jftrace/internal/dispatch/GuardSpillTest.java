package org.jftrace.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The guard's spill table without an agent: an entry of its own per thread, however many hold one
 * at once; recursion refused; entries given back when the call ends, so that threads coming and
 * going reuse them; grown only with the threads inside calls at once. Unstarted threads stand in
 * for threads here: the table only compares them and hashes their ids.
 */
class GuardSpillTest {

    private static Thread[] fakes(int n) {
        Thread[] t = new Thread[n];
        for (int i = 0; i < n; i++) {
            t[i] = new Thread("fake-" + i);
        }
        return t;
    }

    @Test
    void aThreadGetsAnEntryOfItsOwnRecursionIsRefusedAndLeavingGivesItBack() {
        Thread t = new Thread("fake");
        int slot = GuardSpill.enter(t);
        assertTrue(slot >= GuardSpill.BASE, "a spill slot lies past the table: " + slot);
        assertSame(t, GuardSpill.owner(slot));
        assertTrue(GuardSpill.busy(slot));
        assertEquals(slot, GuardSpill.find(t));
        assertEquals(-1, GuardSpill.enter(t), "a second guarded call of the same thread (recursion) is refused");
        GuardSpill.leave(slot);
        assertNull(GuardSpill.owner(slot), "the entry went back when the call ended");
        assertEquals(-1, GuardSpill.find(t));
        int again = GuardSpill.enter(t);
        assertTrue(again >= GuardSpill.BASE);
        assertFalse(GuardSpill.enter(t) >= 0, "refused again");
        GuardSpill.leave(again);
    }

    @Test
    void manyThreadsInsideCallsAtOnceEachHoldTheirOwnAndTheTableStaysFlatAcrossTurnover() {
        final int n = 20_000; // far more than the first segment: the table grows
        Thread[] first = fakes(n);
        int[] slots = new int[n];
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < n; i++) {
            slots[i] = GuardSpill.enter(first[i]);
            assertTrue(slots[i] >= GuardSpill.BASE);
            assertTrue(distinct.add(slots[i]), "two threads share spill slot " + slots[i]);
        }
        int grown = GuardSpill.capacity();
        assertTrue(grown >= n, "capacity " + grown + " for " + n + " threads at once");
        for (int i = 0; i < n; i++) {
            assertSame(first[i], GuardSpill.owner(slots[i]));
            assertEquals(-1, GuardSpill.enter(first[i]), "each thread's own flag refuses its recursion");
        }
        for (int i = 0; i < n; i++) {
            GuardSpill.leave(slots[i]);
            assertNull(GuardSpill.owner(slots[i]));
        }
        // 10 generations of new threads, as many at once: they reuse the entries
        for (int round = 0; round < 10; round++) {
            Thread[] next = fakes(n);
            for (int i = 0; i < n; i++) {
                slots[i] = GuardSpill.enter(next[i]);
                assertTrue(slots[i] >= GuardSpill.BASE);
            }
            for (int i = 0; i < n; i++) {
                GuardSpill.leave(slots[i]);
            }
        }
        // At most one segment more (segments double: the next one makes 2 * grown + FIRST), which the
        // hashes of 200,000 new threads may need once; growth with each generation would be many.
        assertTrue(GuardSpill.capacity() <= 2 * grown + GuardSpill.FIRST, "the table kept growing with thread turnover: "
                + GuardSpill.capacity() + " entries after 11 x " + n + " threads, " + grown + " after the first");
    }

    @Test
    void concurrentClaimsNeverShareAnEntry() throws Exception {
        final int workers = 8;
        final int rounds = 20_000;
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            threads[w] = new Thread(() -> {
                Thread[] mine = fakes(4);
                for (int r = 0; r < rounds && failure.get() == null; r++) {
                    Thread t = mine[r & 3];
                    int slot = GuardSpill.enter(t);
                    if (slot < 0 || GuardSpill.owner(slot) != t) {
                        failure.set("round " + r + ": slot " + slot + " held by " + (slot < 0 ? null : GuardSpill.owner(slot)));
                    } else {
                        GuardSpill.leave(slot);
                    }
                }
            });
            threads[w].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get());
    }

    @Test
    void anEntryKeptForAThreadsObjectOutlivesItsCallsUntilTheThreadIsDead() {
        Thread t = new Thread("fake-kept"); // never started: not alive, as a dead thread
        int slot = GuardSpill.enter(t);
        GuardSpill.setGuard(slot, ThreadGuard.REFUSED); // stands in for the thread's own object
        GuardSpill.leave(slot);
        assertSame(t, GuardSpill.owner(slot), "an entry that keeps the thread's object stays after the call");
        assertSame(ThreadGuard.REFUSED, GuardSpill.guardOf(t));
        assertEquals(slot, GuardSpill.enter(t), "the thread finds its kept entry again");
        GuardSpill.leave(slot);
        ThreadGuard.sweep();
        assertNull(GuardSpill.owner(slot), "the sweeper frees a dead thread's kept entry");
        assertNull(GuardSpill.guard(slot));
    }

    @Test
    void aThreadWhoseHomeIsCrowdedTakesTheSpillThroughTheHookPath() {
        Thread[] saved = new Thread[9];
        ThreadGuard.crowdHome(saved.length - 1, saved, new Thread("placeholder")); // every slot near home taken
        try {
            int slot = ThreadGuard.enterHook();
            assertTrue(slot >= GuardSpill.BASE, "no slot near home: the spill, got " + slot);
            assertEquals(-1, ThreadGuard.enterHook(), "recursion refused in the spill");
            assertEquals(-1, ThreadGuard.enter(), "also on the path that may call");
            assertTrue(ThreadGuard.enterJftrace(), "jftrace's own work sees the thread busy");
            ThreadGuard.leave(slot);
            assertEquals(-1, GuardSpill.find(Thread.currentThread()), "the entry went back");

            assertFalse(ThreadGuard.enterJftrace());
            assertEquals(-1, ThreadGuard.enterHook(), "busy while jftrace works");
            ThreadGuard.leaveJftrace(false);
            assertEquals(-1, GuardSpill.find(Thread.currentThread()), "leaveJftrace gave the entry back");
        } finally {
            ThreadGuard.crowdHome(-1, saved, null);
        }
        int slot = ThreadGuard.enterHook();
        assertTrue(slot >= 0 && slot < ThreadGuard.OVERFLOW, "home free again: a slot of the table, got " + slot);
        ThreadGuard.leave(slot);
    }
}
