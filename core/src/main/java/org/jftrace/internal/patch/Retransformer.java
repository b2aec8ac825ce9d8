package org.jftrace.internal.patch;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.LoadedClasses;
import org.jftrace.internal.log.Log;

/**
 * Retransforms classes whose hooks must change, in batches (one safepoint per batch, not per
 * class). One class the JVM refuses fails its whole batch, so a failed batch is retried class by
 * class and only the refusing class is skipped (with a warning); its record keeps the hooks it had.
 * Under the ops list's lock: the transformer, called back for each class, reads the final plan.
 */
public final class Retransformer {
    private static final int BATCH = 256;

    private final LoadedClasses classes;
    private final ClassDiscovery discovery;

    public Retransformer(LoadedClasses classes, ClassDiscovery discovery) {
        this.classes = classes;
        this.discovery = discovery;
    }

    public void retransform(List<ClassRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Class<?>> batch = new ArrayList<>();
        List<ClassRecord> recs = new ArrayList<>();
        discovery.resolveClasses(records);
        for (ClassRecord c : records) {
            Class<?> k = c.loadedClass();
            if (k == null) {
                continue; // not defined yet, or unloaded: its load-time transform applies the plan
            }
            batch.add(k);
            recs.add(c);
            if (batch.size() == BATCH) {
                retransformBatch(batch, recs);
                batch.clear();
                recs.clear();
            }
        }
        if (!batch.isEmpty()) {
            retransformBatch(batch, recs);
        }
    }

    private void retransformBatch(List<Class<?>> batch, List<ClassRecord> recs) {
        BitSet[] before = new BitSet[recs.size()];
        BitSet[] beforeRegs = new BitSet[recs.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = (BitSet) recs.get(i).instrumented.clone();
            beforeRegs[i] = (BitSet) recs.get(i).instrumentedRegs.clone();
        }
        try {
            classes.retransform(batch.toArray(new Class<?>[0]));
            return;
        } catch (Throwable batchFailure) {
            for (int i = 0; i < before.length; i++) {
                recs.get(i).instrumented = before[i];
                recs.get(i).instrumentedRegs = beforeRegs[i];
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                classes.retransform(batch.get(i));
            } catch (Throwable t) {
                recs.get(i).instrumented = before[i];
                recs.get(i).instrumentedRegs = beforeRegs[i];
                Log.warn("class " + recs.get(i).name + " cannot be retransformed, skipped: " + t, t);
            }
        }
    }
}
