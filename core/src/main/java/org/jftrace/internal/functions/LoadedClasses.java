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
