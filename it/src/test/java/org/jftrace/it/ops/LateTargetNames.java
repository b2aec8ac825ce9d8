package org.jftrace.it.ops;

import java.util.function.IntSupplier;

// Targets of LateLoadTest. Top-level (not nested) on purpose: JUnit's discovery loads the member
// classes of a test class (getDeclaredClasses), and these must stay unloaded until a test loads
// them by name after registering its ops. Each class is loaded by exactly one test.

/** Holder of the names; never instantiated. */
final class LateTargetNames {
    static final String PREFIX = "org.jftrace.it.ops.LateLoaded";
    static final String EARLY = PREFIX + "Early";
    static final String AFTER_EMPTY = PREFIX + "AfterEmpty";
    static final String KEPT_A = PREFIX + "KeptA";
    static final String KEPT_B = PREFIX + "KeptB";

    private LateTargetNames() {
    }

    /** Loads (if needed) and instantiates the class {@code name} by reflection. */
    static IntSupplier instantiate(String name) throws ReflectiveOperationException {
        Class<?> k = Class.forName(name, true, LateTargetNames.class.getClassLoader());
        return (IntSupplier) k.getDeclaredConstructor().newInstance();
    }
}

/** Loaded before the empty-filter ops registers. */
final class LateLoadedEarly implements IntSupplier {
    @Override
    public int getAsInt() {
        return 1;
    }
}

/** First loaded after the empty-filter ops registered. */
final class LateLoadedAfterEmpty implements IntSupplier {
    @Override
    public int getAsInt() {
        return 2;
    }
}

/** Loaded before the kept pattern is set (so that it matches a loaded method). */
final class LateLoadedKeptA implements IntSupplier {
    @Override
    public int getAsInt() {
        return 3;
    }
}

/** First loaded after register; matched only by the kept pattern. */
final class LateLoadedKeptB implements IntSupplier {
    @Override
    public int getAsInt() {
        return 4;
    }
}
