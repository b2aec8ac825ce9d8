package org.jftrace.internal.dispatch;

import org.jftrace.internal.functions.IndexPages;
import org.jftrace.internal.functions.MethodRecord;

/**
 * The hook sites by method index: made under the ops list's lock, read by the linker from any
 * thread without a lock. In pages that go with the unloaded classes whose sites they held.
 */
public final class HookSites {
    private final IndexPages<HookSite> byIndex = new IndexPages<>();

    /** {@return method {@code m}'s hook site, made if needed} Under the ops list's lock. */
    public HookSite of(MethodRecord m) {
        HookSite s = byIndex.get(m.index);
        if (s == null) {
            s = new HookSite(m);
            byIndex.set(m.index, s);
        }
        return s;
    }

    /** {@return the hook site of method {@code index}, or null if it was never hooked} Any thread. */
    public HookSite get(int index) {
        return index > 0 ? byIndex.get(index) : null;
    }

    /** Forgets the hook site of a method whose class was unloaded (the function table forgot it). Any thread. */
    public void forget(int index) {
        byIndex.clear(index);
    }

    /** {@return the index slots held in memory} (leak tests watch it) */
    public int slotsHeld() {
        return byIndex.slotsHeld();
    }

    /** {@return the ops enabled on {@code m} now (none if it was never hooked)} */
    public LiveOps[] enabledOn(MethodRecord m) {
        HookSite s = get(m.index);
        return s == null ? LiveOps.NONE : s.all;
    }
}
