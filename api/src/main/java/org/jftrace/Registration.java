package org.jftrace;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A registered ops, for try-with-resources: {@link Ftrace#register(FtraceOps)} makes it and
 * {@link #close()} unregisters the ops.
 * <pre>{@code
 * try (Registration r = Ftrace.register(ops)) {
 *     runTheWorkload();
 * } // unregistered here: no thread is inside the callback any more
 * }</pre>
 */
public final class Registration implements AutoCloseable {
    private final FtraceOps ops;
    private final AtomicBoolean closed = new AtomicBoolean();

    Registration(FtraceOps ops) {
        this.ops = ops;
    }

    /** {@return the registered ops} */
    public FtraceOps ops() {
        return ops;
    }

    /**
     * Unregisters the ops, as {@link Ftrace#unregisterFtraceFunction} does, with the same guarantee:
     * when it returns, no thread is inside the callback and none will enter it. Idempotent: a
     * second call does nothing. It also does nothing when the ops was unregistered another way since
     * {@link Ftrace#register} (by {@link Ftrace#unregisterFtraceFunction}, or by a concurrent close),
     * even if it has been registered again: a registration undoes only itself. May be called from
     * inside the ops' own callback.
     *
     * @throws FtraceException ENODEV if jftrace disabled itself after an internal failure (its hooks
     *                         then do nothing already)
     */
    @Override
    public void close() {
        if (closed.getAndSet(true) || ops.registration != this) {
            return;
        }
        try {
            Ftrace.unregisterFtraceFunction(ops);
        } catch (FtraceException e) {
            if (e.errno() != Errno.EBUSY) {
                throw e;
            }
            // EBUSY: another thread unregistered the ops between the check and here; nothing left to undo.
        }
    }

    @Override
    public String toString() {
        return "Registration[" + ops.name() + (closed.get() ? ", closed]" : "]");
    }
}
