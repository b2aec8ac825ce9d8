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
}
