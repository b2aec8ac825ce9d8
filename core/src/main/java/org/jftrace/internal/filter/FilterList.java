package org.jftrace.internal.filter;

import java.util.Arrays;

import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.glob.Glob;

/**
 * An ops' filter or notrace list: the patterns and ips in the order they were set, immutable.
 * A method is in the list when the last entry that matches it is positive. Patterns are kept, not
 * resolved, so they also match classes loaded later. For a filter, the planner treats
 * {@link #isEmpty()} as "every method" (the kernel's rule, written in {@code hash_contains_ip}).
 */
public final class FilterList {
    public static final FilterList EMPTY = new FilterList(new Entry[0]);

    /** One pattern or one ip, added or (negative) removed. */
    public static final class Entry {
        public final Glob glob;
        public final MethodRecord method;
        public final boolean negative;
        /** Set with the pending option: kept even while it matches nothing loaded. */
        public final boolean pending;

        public Entry(Glob glob, boolean pending) {
            this.glob = glob;
            this.method = null;
            this.negative = glob.negated();
            this.pending = pending;
        }

        public Entry(MethodRecord method, boolean negative) {
            this.glob = null;
            this.method = method;
            this.negative = negative;
            this.pending = false;
        }

        public boolean matches(MethodRecord m) {
            if (glob != null) {
                return glob.matches(m.functionName(), m.parameters(), m.owner.module);
            }
            return method == m;
        }

        public boolean mayMatchClass(String className) {
            if (glob != null) {
                return glob.mayMatchClass(className);
            }
            return method.owner.name.equals(className);
        }

        @Override
        public String toString() {
            return glob != null ? glob.text() : (negative ? "!" : "") + method;
        }
    }

    public final Entry[] entries;

    private FilterList(Entry[] entries) {
        this.entries = entries;
    }

    public boolean isEmpty() {
        return entries.length == 0;
    }

    /** {@return whether the last entry matching {@code m} is positive} */
    public boolean contains(MethodRecord m) {
        boolean in = false;
        for (Entry e : entries) {
            if (e.matches(m)) {
                in = !e.negative;
            }
        }
        return in;
    }

    /** {@return whether some positive entry may match a method of class {@code className}} */
    public boolean mayMatchClass(String className) {
        for (Entry e : entries) {
            if (!e.negative && e.mayMatchClass(className)) {
                return true;
            }
        }
        return false;
    }

    public FilterList plus(Entry e) {
        Entry[] n = Arrays.copyOf(entries, entries.length + 1);
        n[entries.length] = e;
        return new FilterList(n);
    }

    public FilterList without(Entry e) {
        Entry[] n = new Entry[entries.length];
        int k = 0;
        for (Entry x : entries) {
            if (x != e) {
                n[k++] = x;
            }
        }
        return k == 0 ? EMPTY : new FilterList(Arrays.copyOf(n, k));
    }

    public boolean hasPositive() {
        for (Entry e : entries) {
            if (!e.negative) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return Arrays.toString(entries);
    }
}
