package org.jftrace.it.filters;

import java.util.function.IntSupplier;

// Targets of BadPatternTest's pending-pattern test. Top-level (not nested) on purpose: JUnit's
// discovery loads the member classes of a test class, and this one must stay unloaded until the
// test loads it by name.

/** First loaded by name after a pending pattern named it and its ops registered. */
final class PendingLoadedLater implements IntSupplier {
    static final String NAME = "org.jftrace.it.filters.PendingLoadedLater";

    @Override
    public int getAsInt() {
        return 99;
    }
}
