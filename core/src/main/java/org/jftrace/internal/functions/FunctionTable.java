package org.jftrace.internal.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.jftrace.internal.boot.Hooks;

/**
* The function table (the kernel's kallsyms with ftrace's dyn_ftrace records): a stable index per method of every class jftrace has seen, from index to
 * method and back from (loader, class name). Index 0 is never used, so ip 0 means "unknown".
 *
 * <p>Writers hold this object's monitor; {@link #method(int)} reads the index's pages without a
 * lock (the linker and lookups call it from any thread).
 */
public final class FunctionTable {
    /** Records by index, in pages that go once their classes were unloaded: ids are never reused. */
    private final IndexPages<MethodRecord> byIndex = new IndexPages<>();
    private int nextIndex = 1;

    /** Classes by loader, then by binary name; the boot loader's under {@code null}. Weak in the loader. */
    private final Map<ClassLoader, Map<String, ClassRecord>> byLoader = new WeakHashMap<>();
    private final Map<String, ClassRecord> bootClasses = new HashMap<>();
    /** Every class record, in the order they were added; dead loaders' records are purged lazily. */
    private final List<ClassRecord> all = new ArrayList<>();
    /** Told each index the table forgets, for what is kept per method elsewhere (hook sites). */
    private volatile java.util.function.IntConsumer onForget = i -> { };
    /** Classes added since the last purge: a purge every so many adds keeps a loader churn bounded. */
    private int addsSincePurge;

    public synchronized ClassRecord find(ClassLoader loader, String name) {
        Map<String, ClassRecord> m = loader == null ? bootClasses : byLoader.get(loader);
        return m == null ? null : m.get(name);
    }

    /** Adds {@code rec} with the methods described by {@code proto}; returns the record that is in the table. */
    public synchronized ClassRecord add(ClassLoader loader, ClassRecord rec, List<MethodRecord> protos) {
        Map<String, ClassRecord> m = loader == null ? bootClasses : byLoader.get(loader);
        if (m == null) {
            m = new HashMap<>();
            byLoader.put(loader, m);
        }
        ClassRecord existing = m.get(rec.name);
        if (existing != null) {
            return existing;
        }
        MethodRecord[] methods = new MethodRecord[protos.size()];
        for (int i = 0; i < methods.length; i++) {
            MethodRecord p = protos.get(i);
            MethodRecord r = new MethodRecord(nextIndex++, rec, p.name, p.descriptor, p.firstLine, p.notraceReason);
            methods[i] = r;
        }
        rec.methods = methods;
        for (MethodRecord r : methods) {
            byIndex.set(r.index, r); // publishes the record with its class's methods filled in
        }
        m.put(rec.name, rec);
        all.add(rec);
        if (++addsSincePurge > Math.max(1024, all.size() / 2)) {
            purgeUnloaded();
        }
        return rec;
    }

    /** {@return the method with this index, or null} */
    public MethodRecord method(int index) {
        return index > 0 ? byIndex.get(index) : null;
    }

    /** {@return the method an ip (or parent ip) points into, or null} */
    public MethodRecord methodOfIp(long ip) {
        long index = ip >>> Hooks.IP_SHIFT;
        return index > Integer.MAX_VALUE ? null : method((int) index);
    }

    /** {@return a snapshot of the live class records} Forgets the records of unloaded classes first. */
    public synchronized List<ClassRecord> classes() {
        purgeUnloaded();
        return new ArrayList<>(all);
    }

    /**
     * Forgets the records of classes whose loader was collected (their classes are unloaded): out of
     * the list, and their methods out of the index, so that a churn of class loaders does not grow
     * the table. Ids are never reused, since a trace may still hold one: {@link #method} then answers
     * null, as for an id never given.
     */
    private void purgeUnloaded() {
        addsSincePurge = 0;
        int kept = 0;
        for (int i = 0; i < all.size(); i++) {
            ClassRecord c = all.get(i);
            if (c.loaderAlive()) {
                all.set(kept++, c);
                continue;
            }
            for (MethodRecord m : c.methods) {
                byIndex.clear(m.index);
                onForget.accept(m.index);
            }
        }
        all.subList(kept, all.size()).clear();
    }

    /** Sets what is told of each forgotten method index (once, when the core starts). */
    public void onForget(java.util.function.IntConsumer listener) {
        onForget = listener;
    }

    /** {@return the number of method records held (live classes' methods)} */
    public synchronized int records() {
        int n = 0;
        for (ClassRecord c : all) {
            n += c.methods.length;
        }
        return n;
    }

    /** {@return the index slots held in memory} Flat under a churn of class loaders (leak tests watch it). */
    public int slotsHeld() {
        return byIndex.slotsHeld();
    }

    /** {@return the number of ids ever given (the highest index)} */
    public synchronized int size() {
        return nextIndex - 1;
    }
}
