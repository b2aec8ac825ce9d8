package org.jftrace.internal.dispatch;

import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jftrace.internal.boot.GraphTarget;
import org.jftrace.internal.boot.HookTarget;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;

/**
 * Points hook sites at their current ops lists (the kernel's {@code ftrace_update_ftrace_func} and
 * trampoline updates): an invokedynamic site gets a new chain, a static-call site a new entry in the
 * boot bridge's table. One {@link Batch} per change, under the ops list's lock: the static table is
 * published once, and {@link MutableCallSite#syncAll} is called once for every call site changed.
 */
public final class Relinker {
    private final FunctionTable table;
    private final Redirects redirects;
    private final Entries entries;
    private final GraphSets graphSets;

    public Relinker(FunctionTable table, Redirects redirects, Entries entries, GraphSets graphSets) {
        this.table = table;
        this.redirects = redirects;
        this.entries = entries;
        this.graphSets = graphSets;
    }

    /**
     * One change's relinks; {@link #commit()} publishes them. A batch copies the bridge's tables and
     * publishes the copies, so that a change to methods that may be running shows all at once; a
     * batch for a class that is being defined ({@link #batchForNewMethods}) writes into the live
     * tables instead, since no code calls its methods' indices yet.
     */
    public final class Batch {
        /** Whether every site relinked has a method index no hooked code reads yet (a class being defined). */
        private final boolean newMethods;
        private HookTarget[] staticTargets;
        private GraphTarget[] graphTargets;
        private final List<MutableCallSite> changed = new ArrayList<>();
        /** Entries pointed at their chain in this batch: each once, however many methods share it. */
        private final java.util.Set<Entries.Entry> retargeted = new java.util.HashSet<>();

        Batch(boolean newMethods) {
            this.newMethods = newMethods;
        }

        /**
         * Points site {@code h} (a method of {@code c}) at its current ops list: the plain hook of an
         * application class calls the entry of its set of ops (the method's class is retransformed
         * when that entry changes, see HookPlanner.shapeChanged), its register-saving hook is an
         * invokedynamic; boot, platform and old classes call through the bridge's table.
         */
        public void relink(ClassRecord c, HookSite h) {
            boolean regs = HookSite.wantsRegs(h.enabled);
            // Boot, platform and old classes too: an entry's call site is linked on jftrace's thread
            // when the entry is defined, and its chain's forms compiled when the chain is made, so no
            // JDK linking code runs on a program's thread before the guard (it did once, and traced
            // everything with -Xverify:all recursed). Entries live in the boot bridge's package.
            h.entry = regs || h.enabled.length == 0 ? null : entries.of(h.enabled);
            if (h.entry != null && retargeted.add(h.entry)) {
                MutableCallSite es = Entries.retarget(h.entry);
                if (es != null) {
                    changed.add(es);
                }
            }
            if (c.usesIndy()) {
                relinkIndy(h, regs);
            } else {
                relinkStatic(h);
            }
            if (h.graph.length > 0 || h.graphTarget != null) {
                relinkGraph(h);
            }
        }

        /** A new exit-hook target when the method's exit-hook ops changed (frames keep the old one). */
        private void relinkGraph(HookSite h) {
            GraphHook g = h.graph.length == 0 ? null : graphSets.of(h.graph);
            if (g == h.graphTarget) {
                return;
            }
            h.graphTarget = g;
            int index = h.method.index;
            GraphTarget[] t = graphTargets;
            if (t == null) {
                GraphTarget[] cur = Hooks.graphTargets();
                t = newMethods && index < cur.length ? cur : Arrays.copyOf(cur, grown(cur.length, index));
            } else if (index >= t.length) {
                t = Arrays.copyOf(t, Math.max(index + 1, t.length * 2));
            }
            t[index] = g;
            graphTargets = t;
        }

        private void relinkIndy(HookSite h, boolean regs) {
            if (!regs && h.site == null && h.regsSite == null && h.redirectSite == null) {
                return; // no invokedynamic in this method's bytecode, now or before
            }
            MutableCallSite site = h.site;
            // The plain site exists for every hooked method: a regs hook that did not fit
            // (SAVE_REGS_IF_SUPPORTED) falls back to it, and its callbacks then get null regs.
            if (site == null && h.enabled.length > 0) {
                site = new MutableCallSite(CallChains.SITE_TYPE);
                h.site = site;
            }
            if (site != null) {
                site.setTarget(CallChains.chain(h));
                changed.add(site);
            }
            MutableCallSite regsSite = h.regsSite;
            if (regsSite == null && regs) {
                regsSite = new MutableCallSite(CallChains.REGS_SITE_TYPE);
                h.regsSite = regsSite;
            }
            if (h.redirectSite == null && HookSite.wantsIpmodify(h.enabled)) {
                h.redirectSite = new MutableCallSite(Redirects.generic(h)); // of type Redirects.siteType(m)
            } else if (h.redirectSite != null) {
                Redirects.unlearn(h); // the redirecting ops may have changed: learn again
                changed.add(h.redirectSite);
            }
            // A lone RedirectFunc: the regs site hands back its redirect as a constant, which the
            // redirect site expects already, so the JIT sees one path: the replacement.
            h.direct = regsSite != null ? redirects.direct(h) : null;
            if (h.direct != null) {
                Redirects.learn(h, h.direct);
            }
            if (regsSite != null) {
                regsSite.setTarget(h.direct != null ? Redirects.directTarget(h.direct, CallChains.REGS_SITE_TYPE)
                        : CallChains.regsChain(h));
                changed.add(regsSite);
            }
        }

        private void relinkStatic(HookSite h) {
            int index = h.method.index;
            HookTarget[] t = staticTargets;
            if (t == null) {
                HookTarget[] cur = Hooks.targets();
                t = newMethods && index < cur.length ? cur
                        : Arrays.copyOf(cur, grown(cur.length, Math.max(index, table.size())));
            } else if (index >= t.length) {
                t = Arrays.copyOf(t, Math.max(index + 1, t.length * 2));
            }
            LiveOps[] e = h.enabled;
            if (e.length == 0) {
                t[index] = null;
            } else if (e.length == 1) {
                t[index] = e[0].trampoline;
            } else {
                Trampoline[] list = new Trampoline[e.length];
                for (int i = 0; i < e.length; i++) {
                    list[i] = e[i].trampoline;
                }
                t[index] = new ListTarget(list);
            }
            staticTargets = t;
        }

        /**
         * The length of a copy that must hold {@code index}: at least double, so that classes
         * defined one by one copy the tables a logarithmic number of times, not once each
         * (a copy per class made loading 7,500 classes under an ops on every method 5 times slower).
         */
        private int grown(int length, int index) {
            return Math.max(length, newMethods ? Math.max(index + 1024, 2 * length) : index + 1024);
        }

        /**
         * Publishes the batch: the static table in one volatile write (for a new class's batch, a
         * write of the same table: the entries written in place happen-before any read of it), and
         * every changed call site synchronised, so that no thread keeps running an old target
         * (MutableCallSite's contract allows that until syncAll; pairs with the hooked code's next
         * read of its call site).
         */
        public void commit() {
            if (graphTargets != null) {
                Hooks.setGraphTargets(graphTargets);
                graphTargets = null;
            }
            if (staticTargets != null) {
                Hooks.setTargets(staticTargets);
                staticTargets = null;
            }
            if (!changed.isEmpty()) {
                MutableCallSite.syncAll(changed.toArray(new MutableCallSite[0]));
                changed.clear();
            }
        }
    }

    /** {@return a new, empty batch} */
    public Batch batch() {
        return new Batch(false);
    }

    /**
     * {@return a batch for the methods of a class that is being defined or redefined with method
     * records just made}: their indices are in no hooked code yet, so it writes into the live tables.
     */
    public Batch batchForNewMethods() {
        return new Batch(true);
    }
}
