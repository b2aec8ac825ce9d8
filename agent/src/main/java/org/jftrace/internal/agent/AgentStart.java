package org.jftrace.internal.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

import org.jftrace.internal.api.BackendHolder;
import org.jftrace.internal.runtime.CoreBackend;

/**
 * Starts the core once the boot bridge is on the boot class path: warms up every class the
 * transformer and the hook path use (a class loaded while a class is being transformed is missed or
 * fails with ClassCircularityError), adds the transformer and publishes the backend. The agent's
 * classes are jftrace's own code, never traced, wherever the agent jar is. Called by reflection from
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
        CoreBackend core = CoreBackend.start(inst, AgentStart.class, org.jftrace.agent.JftraceAgent.class);
        BackendHolder.install(core);
        core.ready();
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
