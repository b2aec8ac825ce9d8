package org.jftrace.internal.patch;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.LoadedClasses;
import org.jftrace.internal.log.Log;

/**
 * Retransforms classes whose hooks must change. By default all of them in one call, one safepoint:
 * each call pays a walk of every loaded class and of the code cache at its safepoint, and
 * invalidates compiled code that the next call's transforms then run without (BENCHMARKS.md, "The
 * time to register"); {@code -Djftrace.retransformBatch=N} bounds a call to N classes, for shorter
 * pauses. One class the JVM refuses fails its whole call, so a failed call is split until the
 * refusing class stands alone, which is skipped (with a warning); its record keeps the hooks it
 * had, and remembers the ones refused, which the next changes do not ask of it again: a refusal
 * costs a whole call and its transforms each time, and the split about 2 log2(n) more calls.
 * Under the ops list's lock: the transformer, called back for each class, reads the final plan.
 */
public final class Retransformer {
    /** Classes per call: every one by default. */
    static final int BATCH = batch(System.getProperty("jftrace.retransformBatch"));

    private final LoadedClasses classes;
    private final ClassDiscovery discovery;

    public Retransformer(LoadedClasses classes, ClassDiscovery discovery) {
        this.classes = classes;
        this.discovery = discovery;
    }

    /** {@return the batch size {@code value} asks for, or every class when it is absent or not a positive number} */
    static int batch(String value) {
        if (value == null || value.isBlank()) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // warned below
        }
        Log.warn("-Djftrace.retransformBatch=" + value + " is not a positive number of classes; retransforming "
                + "every class in one call", null);
        return Integer.MAX_VALUE;
    }

    public void retransform(List<ClassRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        discovery.resolveClasses(records);
        List<ClassRecord> recs = new ArrayList<>();
        List<Class<?>> ks = new ArrayList<>();
        for (ClassRecord c : records) {
            Class<?> k = c.loadedClass();
            if (k != null) { // else not defined yet, or unloaded: its load-time transform applies the plan
                recs.add(c);
                ks.add(k);
            }
        }
        for (int from = 0; from < recs.size(); from += BATCH) {
            int to = (int) Math.min(recs.size(), (long) from + BATCH);
            retransformBatch(recs.subList(from, to), ks.subList(from, to).toArray(new Class<?>[0]));
        }
    }

    private void retransformBatch(List<ClassRecord> recs, Class<?>[] batch) {
        BitSet[] before = new BitSet[recs.size()];
        BitSet[] beforeRegs = new BitSet[recs.size()];
        int[][] beforeGraph = new int[recs.size()][];
        for (int i = 0; i < before.length; i++) {
            before[i] = (BitSet) recs.get(i).instrumented.clone();
            beforeRegs[i] = (BitSet) recs.get(i).instrumentedRegs.clone();
            beforeGraph[i] = recs.get(i).instrumentedGraph; // replaced whole by a transform, never changed in place
        }
        LoadedClasses.retransformSplitting(classes, batch, 0, batch.length, new LoadedClasses.Refusals() {
            @Override
            public void failed(int from, int to) {
                for (int i = from; i < to; i++) {
                    recs.get(i).instrumented = before[i];
                    recs.get(i).instrumentedRegs = beforeRegs[i];
                    recs.get(i).instrumentedGraph = beforeGraph[i];
                }
            }

            @Override
            public void refused(int i, Throwable t) {
                recs.get(i).refusedShape = recs.get(i).attemptedShape;
                Log.warn("class " + recs.get(i).name + " cannot be retransformed, skipped (and not tried again with "
                        + "the same hooks): " + t, t);
            }
        });
    }
}
