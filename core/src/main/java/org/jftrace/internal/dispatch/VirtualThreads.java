package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jftrace.internal.log.Log;

/**
 * The virtual threads of this JVM (JDK 21+), for the grace period: the JDK keeps them in its thread
 * containers ({@code jdk.internal.vm.ThreadContainers}, which the agent exports to jftrace), with
 * every virtual thread tracked unless {@code -Djdk.trackAllThreads=false}. Without those (JDK 17, or
 * no export), none: there are none to find on JDK 17, and elsewhere a warning says what is missed.
 */
final class VirtualThreads {
    private static final MethodHandle ROOT;
    private static final MethodHandle CHILDREN;
    private static final MethodHandle THREADS;

    static {
        MethodHandle root = null;
        MethodHandle children = null;
        MethodHandle threads = null;
        if (ThreadGuard.hasVirtualThreads()) {
            try {
                Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
                Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
                MethodHandles.Lookup l = MethodHandles.lookup(); // the export is to jftrace's module only
                root = l.findStatic(containers, "root", MethodType.methodType(container));
                children = l.findVirtual(container, "children", MethodType.methodType(Stream.class));
                threads = l.findVirtual(container, "threads", MethodType.methodType(Stream.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                Log.warn("cannot list virtual threads (" + e + "): unregister will not wait for virtual threads "
                        + "inside a callback; start the JVM with the jftrace agent (it exports jdk.internal.vm)", null);
            }
        }
        ROOT = root;
        CHILDREN = children;
        THREADS = threads;
    }

    private VirtualThreads() {
    }

    /** {@return the live virtual threads now, in every thread container} */
    @SuppressWarnings("unchecked")
    static List<Thread> all() {
        List<Thread> out = new ArrayList<>();
        if (ROOT == null) {
            return out;
        }
        java.util.Set<Thread> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try {
            // every container, depth first from the root (executors and scopes are containers of their own)
            List<Object> todo = new ArrayList<>();
            todo.add(ROOT.invoke());
            while (!todo.isEmpty()) {
                Object c = todo.remove(todo.size() - 1);
                ((Stream<Object>) CHILDREN.invoke(c)).forEach(todo::add);
                ((Stream<Thread>) THREADS.invoke(c)).forEach(t -> {
                    String k = t.getClass().getName();
                    boolean virtual = k.equals("java.lang.VirtualThread")
                            || k.equals("java.lang.ThreadBuilders$BoundVirtualThread");
                    if (virtual && seen.add(t)) {
                        out.add(t);
                    }
                });
            }
        } catch (Throwable t) {
            Log.warn("cannot list virtual threads: " + t, t);
        }
        return out;
    }
}
