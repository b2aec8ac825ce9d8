package org.jftrace.internal.pretend;

/**
 * Test code in a package named like jftrace's internals, loaded from the tests' own class path:
 * it is traceable, since jftrace knows its own code by where it was loaded from, not by its name.
 */
public final class Pretender {
    private Pretender() {
    }

    public static int work(int x) {
        return x + 1;
    }
}
