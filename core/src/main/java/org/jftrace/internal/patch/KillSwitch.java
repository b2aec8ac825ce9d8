package org.jftrace.internal.patch;

import java.util.List;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.internal.boot.HookTarget;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.log.Log;
import org.jftrace.internal.ops.OpsState;

/**
 * The kernel's {@code ftrace_kill} and {@code ftrace_bug}: after a failure that leaves hooks in an
 * unknown state, every hook does nothing and every later API call is ENODEV. Disabling is
 * stronger than unregistering and cannot be undone in this JVM.
 */
public final class KillSwitch {
    private volatile String disabledReason;

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
        Hooks.setTargets(new HookTarget[0]);
        return new FtraceException(Errno.ENODEV, "jftrace disabled itself: " + disabledReason);
    }
}
