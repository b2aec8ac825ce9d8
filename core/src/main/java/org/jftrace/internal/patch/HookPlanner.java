package org.jftrace.internal.patch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.internal.dispatch.HookSite;
import org.jftrace.internal.dispatch.HookSites;
import org.jftrace.internal.dispatch.LiveOps;
import org.jftrace.internal.filter.ClassMatch;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.ops.OpsState;

/**
 * Which ops are enabled on which method (the kernel's {@code ftrace_hash} checks in
 * {@code __ftrace_hash_rec_update}): pure functions of the function table, the registered ops and
 * the hooks in place, so they are unit-tested without an agent. Nothing here changes state.
 */
public final class HookPlanner {
    private HookPlanner() {
    }

    /**
     * What one change must do: for each method whose ops list changes, the new list.
     *
     * @param candidates the classes the change may concern
     * @param sites      the methods whose list changes
     * @param lists      their new lists, in the same order
     */
    public record Plan(List<ClassRecord> candidates, List<MethodRecord> sites, List<LiveOps[]> lists) {
    }

    /**
     * Plans a change of {@code changed} (registered, unregistered, or a list changed). Only the
     * classes its filter may match (every class for an empty filter) and those it is hooked in now
     * can change, since no other ops changed: that keeps a change on a large table cheap.
     *
     * @throws FtraceException EBUSY if a method would get two IPMODIFY ops (nothing was changed)
     */
    public static Plan plan(FunctionTable table, HookSites hooks, OpsState changed, List<OpsState> registered) {
        List<ClassRecord> candidates = new ArrayList<>();
        ClassMatch filter = ClassMatch.of(changed.filter);
        for (ClassRecord c : table.classes()) {
            if (c.notraceReason == null && (filter.test(c.name) || changed.hookedClasses.contains(c))) {
                candidates.add(c);
            }
        }
        List<MethodRecord> sites = new ArrayList<>();
        List<LiveOps[]> lists = new ArrayList<>();
        for (ClassRecord c : candidates) {
            for (MethodRecord m : c.methods()) {
                if (!m.traceable()) {
                    continue;
                }
                LiveOps[] want = enabledOn(m, registered);
                if (!Arrays.equals(want, hooks.enabledOn(m))) {
                    checkOneIpmodify(m, want);
                    sites.add(m);
                    lists.add(want);
                }
            }
        }
        return new Plan(candidates, sites, lists);
    }

    /** {@return the registered ops whose filter selects {@code m} and whose notrace list does not, newest first} */
    public static LiveOps[] enabledOn(MethodRecord m, List<OpsState> registered) {
        LiveOps[] out = null;
        int n = 0;
        for (int i = 0, size = registered.size(); i < size; i++) { // by index: a plan runs this per method, no iterator each
            OpsState s = registered.get(i);
            // an empty filter means every method (the kernel's hash_contains_ip)
            if ((s.filter.isEmpty() || s.filter.contains(m)) && !s.notrace.contains(m)) {
                if (out == null) {
                    out = new LiveOps[size];
                }
                out[n++] = s.live;
            }
        }
        return n == 0 ? LiveOps.NONE : n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** EBUSY if {@code want} has two IPMODIFY ops (the kernel's {@code ftrace_hash_ipmodify_enable}). */
    public static void checkOneIpmodify(MethodRecord m, LiveOps[] want) {
        LiveOps owner = null;
        for (LiveOps s : want) {
            if (s.has(Flag.IPMODIFY)) {
                if (owner != null) {
                    throw new FtraceException(Errno.EBUSY, m + " is already redirected by " + owner.name
                            + " (IPMODIFY); only one IPMODIFY ops per method: nothing was changed");
                }
                owner = s;
            }
        }
    }

    /** {@return whether the hooks the JVM runs for {@code c} differ from what its methods' ops lists ask} */
    public static boolean shapeChanged(ClassRecord c, HookSites hooks) {
        MethodRecord[] methods = c.methods();
        for (int i = 0; i < methods.length; i++) {
            MethodRecord m = methods[i];
            if (!m.traceable()) {
                continue;
            }
            HookSite h = hooks.get(m.index);
            LiveOps[] enabled = h == null ? LiveOps.NONE : h.enabled;
            boolean hook = enabled.length > 0;
            if (hook != c.instrumented.get(i) || (hook && HookSite.wantsRegs(enabled) != c.instrumentedRegs.get(i))
                    || (hook && h.entry != h.entryInCode)
                    || (h == null ? 0 : h.graph.length) != c.graphSlots(i)) {
                // hooked or not, regs or not, another entry to call (another set of ops), or another
                // number of exit-hook ops (their data locals)
                return true;
            }
        }
        return false;
    }

    /**
     * {@return the hooks {@code c} should carry, one byte per method: hooked (bit 0), with registers
     * (bit 1), and the number of exit-hook ops (bits 2 to 7, at most 63)} What a refusal is remembered by.
     */
    public static byte[] shape(ClassRecord c, HookSites hooks) {
        MethodRecord[] methods = c.methods();
        byte[] shape = new byte[methods.length];
        for (int i = 0; i < methods.length; i++) {
            HookSite h = methods[i].traceable() ? hooks.get(methods[i].index) : null;
            if (h != null) {
                boolean hook = h.enabled.length > 0;
                shape[i] = (byte) ((hook ? 1 : 0) | (hook && HookSite.wantsRegs(h.enabled) ? 2 : 0)
                        | Math.min(h.graph.length, 63) << 2);
            }
        }
        return shape;
    }

    /** {@return whether {@code s} is enabled on a method of {@code c}} */
    public static boolean hooks(ClassRecord c, HookSites hooks, OpsState s) {
        for (MethodRecord m : c.methods()) {
            if (HookSite.contains(hooks.enabledOn(m), s.live)) {
                return true;
            }
        }
        return false;
    }
}
