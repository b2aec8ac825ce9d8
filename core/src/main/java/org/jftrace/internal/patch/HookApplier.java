package org.jftrace.internal.patch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jftrace.FtraceException;
import org.jftrace.internal.dispatch.HookSite;
import org.jftrace.internal.dispatch.HookSites;
import org.jftrace.internal.dispatch.Relinker;
import org.jftrace.internal.dispatch.ThreadGuard;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.ops.OpsList;
import org.jftrace.internal.ops.OpsState;

/**
 * Carries out a change (the kernel's {@code ftrace_modify_all_code}): plans it, then commits each
 * method's new ops list, relinks its hook site (no class change while a method stays hooked),
 * publishes the batch, and retransforms the classes whose set of hooked methods changed. Under the
 * ops list's lock, so a class that loads during a change is hooked as the final state says.
 */
public final class HookApplier {
    private final FunctionTable table;
    private final HookSites hooks;
    private final Relinker relinker;
    private final Retransformer retransformer;
    private final OpsList ops;
    private final KillSwitch killSwitch;

    public HookApplier(FunctionTable table, HookSites hooks, Relinker relinker, Retransformer retransformer, OpsList ops,
                       KillSwitch killSwitch) {
        this.table = table;
        this.hooks = hooks;
        this.relinker = relinker;
        this.retransformer = retransformer;
        this.ops = ops;
        this.killSwitch = killSwitch;
    }

    /**
     * Applies a change of {@code changed}. Under the lock.
     *
     * @throws FtraceException EBUSY (two IPMODIFY ops on a method) having changed nothing; ENODEV
     *                         if applying failed half-way (jftrace then disables itself)
     */
    public void apply(OpsState changed) {
        HookPlanner.Plan plan = HookPlanner.plan(table, hooks, changed, ops.registered());
        ThreadGuard.sweep(); // free dead threads' guard slots, for the threads to come
        try {
            FaultInjection.hookChange(changed.name);
            Relinker.Batch batch = relinker.batch();
            for (int i = 0; i < plan.sites().size(); i++) {
                MethodRecord m = plan.sites().get(i);
                HookSite h = hooks.of(m);
                h.set(plan.lists().get(i));
                batch.relink(m.owner, h);
            }
            Set<ClassRecord> toRetransform = new LinkedHashSet<>();
            for (ClassRecord c : plan.candidates()) {
                if (HookPlanner.shapeChanged(c, hooks)) {
                    byte[] shape = HookPlanner.shape(c, hooks);
                    if (c.refusedShape == null || !java.util.Arrays.equals(shape, c.refusedShape)) {
                        c.attemptedShape = shape;
                        toRetransform.add(c);
                    } // else refused with these very hooks before: it keeps the ones it has
                }
                if (HookPlanner.hooks(c, hooks, changed)) {
                    changed.hookedClasses.add(c);
                } else {
                    changed.hookedClasses.remove(c);
                }
            }
            batch.commit();
            retransformer.retransform(new ArrayList<>(toRetransform));
        } catch (FtraceException e) {
            throw e;
        } catch (Throwable t) {
            throw killSwitch.bug("applying hook changes failed", t, ops.registered());
        }
    }

    /** Relinks every hook site of {@code s} (its link mode changed). Under the lock. */
    public void relinkAll(OpsState s) {
        Relinker.Batch batch = relinker.batch();
        for (ClassRecord c : s.hookedClasses) {
            for (MethodRecord m : c.methods()) {
                HookSite h = hooks.get(m.index);
                if (h != null && h.has(s.live)) {
                    batch.relink(c, h);
                }
            }
        }
        batch.commit();
    }

    /** {@return the class records that carry a hook of {@code s}, for tests and reports} Under the lock. */
    public List<ClassRecord> hookedClasses(OpsState s) {
        return new ArrayList<>(s.hookedClasses);
    }
}
