package org.jftrace.internal.functions;

import java.util.Arrays;

/**
 * An array by method index, in pages of {@value #PAGE_SIZE} slots, that lets go of a page once
 * every slot in it is cleared. Method indexes are never reused (a trace may still hold one), so a
 * flat array would grow by a slot for every method of every class ever loaded; with a churn of
 * class loaders the dead ranges are whole pages, which go (the kernel's ftrace keeps its records
 * in pages too, and frees a page with its module).
 *
 * <p>Writers are serialised on this object; {@link #get} takes no lock and reads the page
 * directory through a volatile field, which every write publishes again, so a reader that sees a
 * slot sees the object in it complete. A reader racing with a page's release may still see the
 * page's last contents; it can only be a dead entry.
 */
public final class IndexPages<T> {
    static final int PAGE_SHIFT = 10;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE_SIZE - 1;

    private volatile Object[][] pages = new Object[16][];
    /** Slots in use by page; a page whose count drops to 0 is let go. */
    private int[] used = new int[16];

    /** {@return the entry at {@code index}, or null} Any thread, no lock. */
    @SuppressWarnings("unchecked")
    public T get(int index) {
        if (index < 0) {
            return null;
        }
        Object[][] d = pages;
        int p = index >>> PAGE_SHIFT;
        if (p >= d.length) {
            return null;
        }
        Object[] page = d[p];
        return page == null ? null : (T) page[index & PAGE_MASK];
    }

    /** Puts {@code value} (not null) at {@code index} and publishes it. */
    public synchronized void set(int index, T value) {
        Object[][] d = pages;
        int p = index >>> PAGE_SHIFT;
        if (p >= d.length) {
            int n = Math.max(p + 1, d.length * 2);
            d = Arrays.copyOf(d, n);
            used = Arrays.copyOf(used, n);
        }
        Object[] page = d[p];
        if (page == null) {
            page = new Object[PAGE_SIZE];
            d[p] = page;
        }
        if (page[index & PAGE_MASK] == null) {
            used[p]++;
        }
        page[index & PAGE_MASK] = value;
        pages = d; // publish: readers of the directory see the page and the slot written before
    }

    /** Clears the slot at {@code index}, letting go of its page when it was the page's last. */
    public synchronized void clear(int index) {
        Object[][] d = pages;
        int p = index >>> PAGE_SHIFT;
        if (index < 0 || p >= d.length || d[p] == null || d[p][index & PAGE_MASK] == null) {
            return;
        }
        d[p][index & PAGE_MASK] = null;
        if (--used[p] == 0) {
            d[p] = null;
        }
        pages = d;
    }

    /** {@return the slots held in pages now} (leak tests watch it) */
    public synchronized int slotsHeld() {
        int n = 0;
        for (Object[] page : pages) {
            n += page == null ? 0 : PAGE_SIZE;
        }
        return n;
    }
}
