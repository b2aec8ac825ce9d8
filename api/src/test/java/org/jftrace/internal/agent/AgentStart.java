package org.jftrace.internal.agent;

import org.jftrace.internal.api.Backend;
import org.jftrace.internal.api.BackendHolder;

/**
 * Test stand-in with the name of jftrace's start class. BackendHolderTest loads it with a class
 * loader of its own, to show that the name alone does not pass BackendHolder's caller check; no
 * test calls it from the loader that defined BackendHolder (that would install a backend in this
 * JVM, whose other tests need none).
 */
public final class AgentStart {
    private AgentStart() {
    }

    public static void installInto(Backend b) {
        BackendHolder.install(b);
    }
}
