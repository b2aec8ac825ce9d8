package org.jftrace.internal.patch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.internal.boot.HookTarget;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.log.Log;
import org.jftrace.internal.ops.OpsState;

/**
 * The kernel's {@code ftrace_kill} and {@code ftrace_bug}: after a failure that leaves hooks in an
 * unknown state, every hook does nothing, every later API call is ENODEV, and hooked classes get
 * their original bytecode back where the JVM still retransforms them. Disabling is stronger than
 * unregistering and cannot be undone in this JVM. {@link FaultInjection} causes one, for tests.
 */
public final class KillSwitch {
    private volatile String disabledReason;
    private Retransformer restorer;

    /** What {@link #bug} gives hooked classes back their original bytecode with. */
    public void restoreWith(Retransformer retransformer) {
        this.restorer = retransformer;
    }

    /** @throws FtraceException ENODEV once jftrace disabled itself */
    public void checkAlive() {
        String reason = disabledReason;
        if (reason != null) {
            throw new FtraceException(Errno.ENODEV, "jftrace disabled itself after an internal failure ("
                    + reason + "); restart the JVM to use it again");
        }
    }

    public boolean disabled() {
        return disabledReason != null;
    }

    /** Disables jftrace. {@return the ENODEV to throw} Under the ops list's lock. */
    public FtraceException bug(String reason, Throwable cause, List<OpsState> registered) {
        disabledReason = reason + ": " + cause;
        Log.warn("jftrace disabled: " + disabledReason, cause);
        for (OpsState s : registered) {
            s.live.live = false;
        }
        // hooks do nothing from here on; what follows may fail too, and changes nothing of that
        Hooks.setTargets(new HookTarget[0]);
        restoreOriginals(registered);
        return new FtraceException(Errno.ENODEV, "jftrace disabled itself: " + disabledReason);
    }

    /**
     * Retransforms every class an ops hooked: the transformer now keeps every class file as it is
     * ({@link ClassHooker#transform} returns null once disabled), so each gets its original bytecode
     * back. Best effort: the state that made jftrace fail may fail this too, which is reported once.
     */
    private void restoreOriginals(List<OpsState> registered) {
        if (restorer == null) {
            return;
        }
        Set<ClassRecord> hooked = new LinkedHashSet<>();
        for (OpsState s : registered) {
            hooked.addAll(s.hookedClasses);
        }
        try {
            restorer.retransform(new ArrayList<>(hooked));
        } catch (Throwable t) {
            Log.warn("jftrace disabled: the original bytecode of " + hooked.size() + " hooked classes could not be "
                    + "restored; their hooks do nothing", t);
        }
    }
}
