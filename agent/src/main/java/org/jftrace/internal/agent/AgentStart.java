package org.jftrace.internal.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

import org.jftrace.internal.api.BackendHolder;
import org.jftrace.internal.hook.HookTransformer;
import org.jftrace.internal.hook.Registry;

/**
 * Starts the core once the boot bridge is on the boot class path: warms up every class the
 * transformer and the hook path use (so none loads while a class is being transformed, pitfall
 * E2), then adds the transformer and publishes the backend. Called by reflection from
 * {@link org.jftrace.agent.JftraceAgent}.
 */
public final class AgentStart {
    private AgentStart() {
    }

    public static void start(String options, Instrumentation inst) {
        if (!inst.isRetransformClassesSupported()) {
            throw new IllegalStateException("this JVM cannot retransform classes; jftrace needs it");
        }
        openThreadIds(inst);
        Registry.warmUp();
        Registry registry = new Registry(inst);
        inst.addTransformer(new HookTransformer(registry), true);
        BackendHolder.install(registry);
        registry.ready();
    }

    /**
     * Opens {@code java.lang} to jftrace's own module only, so that the recursion guard can read a
     * thread's id field directly (see ThreadGuard). Before warm-up, which initialises the guard.
     */
    private static void openThreadIds(Instrumentation inst) {
        Module javaBase = Thread.class.getModule();
        Module self = AgentStart.class.getModule();
        if (inst.isModifiableModule(javaBase)) {
            inst.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
        }
    }
}
