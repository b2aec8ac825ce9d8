package org.jftrace.internal.functions;

/**
 * What the control plane needs of the JVM's class machinery: the loaded classes and their
 * retransformation. The agent's implementation wraps {@link java.lang.instrument.Instrumentation};
 * unit tests give a fixed set of classes and record retransformations, so planning and filter
 * editing run without an agent.
 */
public interface LoadedClasses {
    /** {@return every class the JVM has loaded} */
    Class<?>[] all();

    /** {@return whether {@code k} can be retransformed} */
    boolean isModifiable(Class<?> k);

    /** Retransforms {@code classes}: the transformer is called for each. @throws Throwable what the JVM threw */
    void retransform(Class<?>... classes) throws Throwable;

    /** What {@link #retransformSplitting} tells of calls that failed. */
    interface Refusals {
        /** The call on {@code ks[from, to)} failed as a whole: what its transforms recorded is undone here. */
        default void failed(int from, int to) {
        }

        /** The JVM refused {@code ks[i]} alone. */
        void refused(int i, Throwable t);
    }

    /**
     * Retransforms {@code ks[from, to)} in one call (one safepoint). A class the JVM refuses fails
     * the whole call, so the range is then split in halves and each tried again, down to the
     * refusing classes alone: k refusals among n classes cost about 2k log2(n) calls, not n.
     */
    static void retransformSplitting(LoadedClasses classes, Class<?>[] ks, int from, int to, Refusals refusals) {
        try {
            classes.retransform(java.util.Arrays.copyOfRange(ks, from, to));
        } catch (Throwable t) {
            refusals.failed(from, to);
            if (to - from == 1) {
                refusals.refused(from, t);
                return;
            }
            int mid = (from + to) >>> 1;
            retransformSplitting(classes, ks, from, mid, refusals);
            retransformSplitting(classes, ks, mid, to, refusals);
        }
    }

    /** {@return {@code inst} as loaded classes} */
    static LoadedClasses of(java.lang.instrument.Instrumentation inst) {
        return new LoadedClasses() {
            @Override
            public Class<?>[] all() {
                return inst.getAllLoadedClasses();
            }

            @Override
            public boolean isModifiable(Class<?> k) {
                return inst.isModifiableClass(k);
            }

            @Override
            public void retransform(Class<?>... classes) throws Throwable {
                inst.retransformClasses(classes);
            }
        };
    }
}
