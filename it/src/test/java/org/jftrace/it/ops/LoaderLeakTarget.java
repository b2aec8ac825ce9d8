package org.jftrace.it.ops;

import java.util.function.IntSupplier;

/**
 * Target of ClassLoaderLeakTest, loaded only by throwaway class loaders (never by the test's own
 * loader). Public with a public constructor: it is instantiated from another runtime package.
 */
public final class LoaderLeakTarget implements IntSupplier {
    public LoaderLeakTarget() {
    }

    @Override
    public int getAsInt() {
        return 5;
    }

    /** A reference parameter of the throwaway loader's own type: a SAVE_REGS setArg resolves it. */
    public int same(LoaderLeakTarget other) {
        return other == this ? 1 : 0;
    }

    /** A replacement for {@link #getAsInt} in the throwaway loader: an IPMODIFY redirect's invoker holds it. */
    public static int seven(LoaderLeakTarget self) {
        return 7;
    }
}
