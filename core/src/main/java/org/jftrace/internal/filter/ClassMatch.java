package org.jftrace.internal.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The classes a filter or one entry may have methods in ({@link FilterList#mayMatchClass}), as a
 * name test for the walks over every loaded class and for the class-load fast path. A glob run for
 * each of thousands of classes, in both walks of every register, was most of jftrace's own cost of a
 * register; a pattern without wildcards and an ip each name one class, so those are looked up in a
 * set, and only the other patterns run their glob. Immutable once built.
 */
public final class ClassMatch implements Predicate<String> {
    /** Every class: an empty filter means every method. */
    public static final ClassMatch ALL = new ClassMatch(true);
    /** No class. */
    public static final ClassMatch NONE = new ClassMatch(false);

    private final boolean all;
    private final Set<String> names = new HashSet<>();
    private final List<FilterList.Entry> globs = new ArrayList<>();

    private ClassMatch(boolean all) {
        this.all = all;
    }

    /** {@return the classes of {@code filter}'s positive entries; every class if it is empty} */
    public static ClassMatch of(FilterList filter) {
        if (filter.isEmpty()) {
            return ALL;
        }
        ClassMatch m = new ClassMatch(false);
        for (FilterList.Entry e : filter.entries) {
            if (!e.negative) {
                m.add(e);
            }
        }
        return m;
    }

    /** {@return the classes of one entry, whatever its sign} */
    public static ClassMatch of(FilterList.Entry e) {
        ClassMatch m = new ClassMatch(false);
        m.add(e);
        return m;
    }

    /** {@return the classes any of {@code filters} may match (each as {@link #of(FilterList)})} */
    public static ClassMatch union(List<FilterList> filters) {
        ClassMatch m = new ClassMatch(false);
        for (FilterList f : filters) {
            if (f.isEmpty()) {
                return ALL;
            }
            for (FilterList.Entry e : f.entries) {
                if (!e.negative) {
                    m.add(e);
                }
            }
        }
        return m.names.isEmpty() && m.globs.isEmpty() ? NONE : m;
    }

    private void add(FilterList.Entry e) {
        String name = e.glob == null ? e.method.owner.name : literalClass(e.glob.literalName());
        if (name != null) {
            names.add(name);
        } else {
            globs.add(e);
        }
    }

    /**
     * {@return the class a literal function name's methods belong to, or null} What precedes
     * its last '.', with a method name after it: the one class Glob.mayMatchClass accepts.
     */
    public static String literalClass(String function) {
        if (function == null) {
            return null;
        }
        int dot = function.lastIndexOf('.');
        return dot > 0 && dot < function.length() - 1 ? function.substring(0, dot) : null;
    }

    @Override
    public boolean test(String className) {
        if (all || names.contains(className)) {
            return true;
        }
        for (FilterList.Entry e : globs) {
            if (e.mayMatchClass(className)) {
                return true;
            }
        }
        return false;
    }
}
