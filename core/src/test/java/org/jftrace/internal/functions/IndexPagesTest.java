package org.jftrace.internal.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IndexPagesTest {
    @Test
    void slotsReadBackAndMissingOnesAreNull() {
        IndexPages<String> p = new IndexPages<>();
        p.set(1, "a");
        p.set(5_000_000, "far");
        assertEquals("a", p.get(1));
        assertEquals("far", p.get(5_000_000));
        assertNull(p.get(2));
        assertNull(p.get(-1));
        assertNull(p.get(Integer.MAX_VALUE));
        assertEquals(2 * IndexPages.PAGE_SIZE, p.slotsHeld(), "only the two pages written are held");
    }

    @Test
    void aPageGoesWithItsLastSlotAndComesBackWhenWrittenAgain() {
        IndexPages<Integer> p = new IndexPages<>();
        int n = 10 * IndexPages.PAGE_SIZE;
        for (int i = 1; i < n; i++) {
            p.set(i, i);
        }
        assertEquals(10 * IndexPages.PAGE_SIZE, p.slotsHeld());
        // a churn of class loaders: ids 1 .. n-1 unloaded except one in page 3
        int kept = 3 * IndexPages.PAGE_SIZE + 17;
        for (int i = 1; i < n; i++) {
            if (i != kept) {
                p.clear(i);
            }
        }
        assertEquals(IndexPages.PAGE_SIZE, p.slotsHeld(), "every page but the kept id's went");
        assertEquals(kept, p.get(kept));
        assertNull(p.get(kept + 1));
        p.clear(kept);
        p.clear(kept); // twice: no count goes below zero
        assertEquals(0, p.slotsHeld());
        p.set(kept + 1, 7);
        assertEquals(7, p.get(kept + 1));
        assertEquals(IndexPages.PAGE_SIZE, p.slotsHeld());
    }

    @Test
    void overwritingASlotDoesNotCountItTwice() {
        IndexPages<String> p = new IndexPages<>();
        p.set(3, "x");
        p.set(3, "y");
        p.clear(3);
        assertEquals(0, p.slotsHeld(), "one clear empties a slot written twice");
    }
}
