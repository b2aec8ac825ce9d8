package org.jftrace.it.reliability;

import java.util.function.IntSupplier;

/** The replacement that {@link LeaksTarget}'s IPMODIFY ops redirects every throwaway loader's getAsInt to. */
public final class LeakReplacement {
    private LeakReplacement() {
    }

    public static int seven(IntSupplier self) {
        return 7;
    }
}
