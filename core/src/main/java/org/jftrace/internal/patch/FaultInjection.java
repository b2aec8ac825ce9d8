package org.jftrace.internal.patch;

import org.jftrace.internal.log.Log;

/**
 * Fault injection for jftrace's own failure path (the kernel's fail_function): with
 * {@code -Djftrace.faultInjection=hook-change:NAME}, applying a change of hooks of the ops named
 * NAME (its register, a filter change, its unregister) fails half-way as an internal bug would, so
 * that a test can watch {@link KillSwitch} turn jftrace off in a real JVM. Read once; without the
 * property a change of hooks pays one null check (never a hooked call).
 */
public final class FaultInjection {
    static final String PROPERTY = "jftrace.faultInjection";
    private static final String HOOK_CHANGE = "hook-change:";

    /** The name of the ops whose changes of hooks fail, or null. */
    private static final String FAILING_OPS = parse(System.getProperty(PROPERTY));

    private FaultInjection() {
    }

    static String parse(String value) {
        if (value == null) {
            return null;
        }
        if (value.startsWith(HOOK_CHANGE) && value.length() > HOOK_CHANGE.length()) {
            return value.substring(HOOK_CHANGE.length());
        }
        Log.warn("-D" + PROPERTY + "=" + value + " ignored: the form is hook-change:NAME (NAME: the name of the ops "
                + "whose changes of hooks fail)", null);
        return null;
    }

    /** Throws the injected failure if changes of ops {@code name} are to fail. Under the ops lock. */
    static void hookChange(String name) {
        if (FAILING_OPS != null && FAILING_OPS.equals(name)) {
            throw new InternalError("fault injected by -D" + PROPERTY + "=" + HOOK_CHANGE + name);
        }
    }
}
