package org.jftrace.internal.functions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.jftrace.internal.boot.Hooks;

/**
* The function table (the kernel's kallsyms with ftrace's dyn_ftrace records): a stable index per method of every class jftrace has seen, from index to
 * method and back from (loader, class name). Index 0 is never used, so ip 0 means "unknown".
 *
 * <p>Writers hold this object's monitor; {@link #method(int)} reads a volatile snapshot of the
 * index array and needs no lock (the linker and lookups call it from any thread).
 */
public final class FunctionTable {
    private volatile MethodRecord[] byIndex = new MethodRecord[1024];
    private int nextIndex = 1;

    /** Classes by loader, then by binary name; the boot loader's under {@code null}. Weak in the loader. */
    private final Map<ClassLoader, Map<String, ClassRecord>> byLoader = new WeakHashMap<>();
    private final Map<String, ClassRecord> bootClasses = new HashMap<>();
    /** Every class record, in the order they were added; dead loaders' records are purged lazily. */
    private final List<ClassRecord> all = new ArrayList<>();

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
        MethodRecord[] table = byIndex;
        int needed = nextIndex + methods.length;
        if (needed >= table.length) {
            table = Arrays.copyOf(table, Math.max(needed + 1, table.length * 2));
        }
        for (int i = 0; i < methods.length; i++) {
            MethodRecord p = protos.get(i);
            MethodRecord r = new MethodRecord(nextIndex++, rec, p.name, p.descriptor, p.parameters, p.firstLine,
                    p.notraceReason);
            methods[i] = r;
            table[r.index] = r;
        }
        rec.methods = methods;
        m.put(rec.name, rec);
        all.add(rec);
        byIndex = table; // publish after filling: readers see complete records
        return rec;
    }

    /** {@return the method with this index, or null} */
    public MethodRecord method(int index) {
        MethodRecord[] t = byIndex;
        return index > 0 && index < t.length ? t[index] : null;
    }

    /** {@return the method an ip (or parent ip) points into, or null} */
    public MethodRecord methodOfIp(long ip) {
        long index = ip >>> Hooks.IP_SHIFT;
        return index > Integer.MAX_VALUE ? null : method((int) index);
    }

    /** {@return a snapshot of the live class records} */
    public synchronized List<ClassRecord> classes() {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (!all.get(i).loaderAlive()) {
                all.remove(i);
            }
        }
        return new ArrayList<>(all);
    }

    public synchronized int size() {
        return nextIndex - 1;
    }
}
