package org.jftrace.it.tracers;

/** Drives {@link CallTree} from code no test traces, so that {@link CallTree#escaper()}'s exception escapes. */
public final class TreeDriver {
    private TreeDriver() {
    }

    /** One {@link CallTree#run()} and one {@link CallTree#escaper()}, as every scenario thread does. */
    public static void once() {
        CallTree.run();
        try {
            CallTree.escaper();
        } catch (IllegalArgumentException expected) {
            // escaped the traced code, as planned
        }
    }
}
