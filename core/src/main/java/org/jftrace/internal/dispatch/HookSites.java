package org.jftrace.internal.dispatch;

import java.util.Arrays;

import org.jftrace.internal.functions.MethodRecord;

/**
 * The hook sites by method index: made under the ops list's lock, read by the linker from any
 * thread through a volatile snapshot of the array (published after each growth).
 */
public final class HookSites {
    private volatile HookSite[] byIndex = new HookSite[1024];

    /** {@return method {@code m}'s hook site, made if needed} Under the ops list's lock. */
    public HookSite of(MethodRecord m) {
        HookSite[] t = byIndex;
        if (m.index < t.length && t[m.index] != null) {
            return t[m.index];
        }
        if (m.index >= t.length) {
            t = Arrays.copyOf(t, Math.max(m.index + 1, t.length * 2));
        }
        HookSite s = new HookSite(m);
        t[m.index] = s;
        byIndex = t;
        return s;
    }

    /** {@return the hook site of method {@code index}, or null if it was never hooked} Any thread. */
    public HookSite get(int index) {
        HookSite[] t = byIndex;
        return index > 0 && index < t.length ? t[index] : null;
    }

    /**
     * Forgets the hook site of a method whose class was unloaded (the function table forgot it).
     * Any thread: a race with a growth of the array only keeps a dead site a while longer.
     */
    public void forget(int index) {
        HookSite[] t = byIndex;
        if (index > 0 && index < t.length) {
            t[index] = null;
        }
    }

    /** {@return the ops enabled on {@code m} now (none if it was never hooked)} */
    public LiveOps[] enabledOn(MethodRecord m) {
        HookSite s = get(m.index);
        return s == null ? LiveOps.NONE : s.all;
    }
}
