package org.jftrace.internal.runtime;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.FunctionInfo;
import org.jftrace.RedirectFunc;
import org.jftrace.internal.api.Backend;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.dispatch.HookContext;
import org.jftrace.internal.dispatch.HookSites;
import org.jftrace.internal.dispatch.LiveOps;
import org.jftrace.internal.dispatch.Entries;
import org.jftrace.internal.dispatch.GraphSets;
import org.jftrace.internal.dispatch.GuardSweeper;
import org.jftrace.internal.dispatch.Quiescence;
import org.jftrace.internal.dispatch.VirtualGrace;
import org.jftrace.internal.dispatch.Rcu;
import org.jftrace.internal.dispatch.Redirects;
import org.jftrace.internal.dispatch.Relinker;
import org.jftrace.internal.dispatch.SiteLinker;
import org.jftrace.internal.dispatch.ThreadGuard;
import org.jftrace.internal.dispatch.Trampoline;
import org.jftrace.internal.dispatch.TrampolinePool;
import org.jftrace.internal.dispatch.Dispatch;
import org.jftrace.internal.filter.ClassMatch;
import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.functions.CallSites;
import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.LoadedClasses;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.functions.Reflection;
import org.jftrace.internal.glob.Glob;
import org.jftrace.internal.ops.FilterEditor;
import org.jftrace.internal.ops.OpsList;
import org.jftrace.internal.ops.OpsState;
import org.jftrace.internal.patch.ClassHooker;
import org.jftrace.internal.patch.HookApplier;
import org.jftrace.internal.patch.KillSwitch;
import org.jftrace.internal.patch.Retransformer;

/**
 * The {@link Backend} behind {@link org.jftrace.Ftrace}: wires the core's parts together and runs
 * each API call as validate, commit, apply. Every entry marks the thread busy
 * ({@link ThreadGuard#enterJftrace}): JDK code that jftrace runs for the change may be hooked, and
 * guarded callbacks are not called from inside jftrace. The path of one call, class by class, is
 * in ARCHITECTURE.md.
 *
 * <p>Order of one change: read class files with no lock ({@link ClassDiscovery#prefetch}); under
 * the ops list's lock, scan them, validate (a throw changes nothing), commit the new filter or ops
 * list, then {@link HookApplier#apply}. Unregister's grace period runs outside the lock.

 */
public final class CoreBackend implements Backend {
    /** How often a change re-reads class files when classes loaded between its read and its lock. */
    private static final int SCAN_ATTEMPTS = 3;

    private final OpsList ops = new OpsList();
    private final FunctionTable table = new FunctionTable();
    private final HookSites hooks = new HookSites();
    private final Entries entries = new Entries();
    private final GraphSets graphSets = new GraphSets();
    private final TrampolinePool trampolines = new TrampolinePool();
    private final KillSwitch killSwitch = new KillSwitch();
    private final ClassDiscovery discovery;
    private final CallSites callSites;
    private final Redirects redirects;
    private final HookApplier applier;
    private final ClassHooker hooker;
    private final FunctionQueries queries;

    /** A core over {@code classes}; {@link #start} is the agent's way in, tests may give their own classes. */
    public CoreBackend(LoadedClasses classes) {
        discovery = new ClassDiscovery(table, classes, ops);
        callSites = new CallSites(discovery, ops);
        Reflection reflection = new Reflection(discovery);
        redirects = new Redirects(table, reflection);
        Relinker relinker = new Relinker(table, redirects, entries, graphSets);
        Retransformer retransformer = new Retransformer(classes, discovery);
        killSwitch.restoreWith(retransformer);
        applier = new HookApplier(table, hooks, relinker, retransformer, ops, killSwitch);
        hooker = new ClassHooker(table, hooks, discovery, relinker, ops, killSwitch);
        queries = new FunctionQueries(table, hooks, callSites, ops, this::scannedThen);
        table.onForget(i -> { hooks.forget(i); redirects.forget(i); }); // hooks and redirects go with a record
        HookContext.install(table, redirects, callSites, reflection);
        Hooks.setLinker(new SiteLinker(hooks));
    }

    /**
     * Starts jftrace in this JVM: warms up every class the transformer and hooked calls use, adds the
     * transformer, then links one hook site of each kind and starts RCU and the guard's sweeper.
     * {@return the backend, to install} The caller publishes it once this returns.
     */
    public static CoreBackend start(Instrumentation inst, Class<?>... ownCode) {
        org.jftrace.internal.functions.Notrace.addOwnCode(ownCode);
        WarmUp.beforeTransformer();
        CoreBackend core = new CoreBackend(LoadedClasses.of(inst));
        inst.addTransformer(new HookTransformer(core.hooker), true);
        return core;
    }

    /** Called once the backend is published: RCU ops may run from now on. */
    public void ready() {
        WarmUp.linking();
        Rcu.start();
        GuardSweeper.start();
    }

    /** The transform (for tests that retransform without an agent); see {@link ClassHooker#transform}. */
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain pd, byte[] bytes) {
        return hooker.transform(module, loader, internalName, redefined, pd, bytes);
    }

    // ---------------------------------------------------------------- guard and locking helpers

    /** Work that returns a value, run by {@link #busy} or {@link #scannedThen}. */
    interface Work<T> {
        T run();
    }

    /** {@link CoreBackend#scannedThen}, for the queries. */
    interface Scanner {
        <T> T scannedThen(Predicate<String> wanted, Work<T> work);
    }

    /** Runs {@code work} with the thread marked busy (no guarded callback runs from inside jftrace). */
    private static <T> T busy(Work<T> work) {
        boolean wasBusy = ThreadGuard.enterJftrace();
        try {
            return work.run();
        } finally {
            ThreadGuard.leaveJftrace(wasBusy);
        }
    }

    /**
     * Reads the class files of loaded classes that {@code wanted} accepts (no lock), then runs
     * {@code work} under the lock with them all in the table; classes that loaded in between are
     * read in another round, so no class file is read under the lock.
     */
    <T> T scannedThen(Predicate<String> wanted, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            discovery.prefetch(wanted);
            synchronized (ops) {
                if (discovery.ensureScanned(wanted) == 0 || attempt == SCAN_ATTEMPTS) {
                    return work.run();
                }
            }
        }
    }

    // ---------------------------------------------------------------- register and unregister

    @Override
    public void register(FtraceOps o) {
        busy(() -> {
            doRegister(o);
            return null;
        });
    }

    private void doRegister(FtraceOps o) {
        killSwitch.checkAlive();
        if (org.jftrace.FgraphOps.of(o) != null && (o.has(Flag.IPMODIFY) || o.has(Flag.SAVE_REGS_IF_SUPPORTED))) {
            throw new FtraceException(Errno.EINVAL, o.name() + " is an exit-hook ops (FgraphOps) with "
                    + (o.has(Flag.IPMODIFY) ? "IPMODIFY" : "SAVE_REGS_IF_SUPPORTED") + ", which exit hooks do not have: "
                    + "leave it out (SAVE_REGS gives the return handler the value returned)");
        }
        if (o.has(Flag.IPMODIFY) && !o.has(Flag.SAVE_REGS)) {
            throw new FtraceException(Errno.EINVAL, o.name() + " has IPMODIFY without SAVE_REGS: IPMODIFY "
                    + "changes the ip in regs, so add SAVE_REGS");
        }
        FilterList wanted;
        synchronized (ops) {
            wanted = ops.state(o).filter;
            ops.publish(wanted); // classes that load from now on take the lock, and see the result
        }
        boolean done = false;
        try {
            ClassMatch classes = ClassMatch.of(wanted);
            if (o.func() instanceof RedirectFunc && o.has(Flag.IPMODIFY) && !wanted.isEmpty()) {
                discovery.prefetch(classes);
                prepareRedirect((RedirectFunc) o.func(), wanted);
            }
            scannedThen(classes, () -> {
                registerLocked(o);
                return null;
            });
            done = true;
        } finally {
            if (!done) {
                synchronized (ops) {
                    ops.publish();
                }
            }
        }
    }

    private void registerLocked(FtraceOps o) {
        OpsState s = ops.state(o);
        if (s.registered) {
            throw new FtraceException(Errno.EBUSY, o.name() + " is registered already; "
                    + "unregister it first, or register a new FtraceOps");
        }
        if (o.has(Flag.IPMODIFY) && s.filter.isEmpty()) {
            throw new FtraceException(Errno.EINVAL, o.name() + " has IPMODIFY and an empty filter (every "
                    + "method): set a filter naming the methods it redirects first");
        }
        LiveOps live = s.live;
        TrampolinePool.Slot slot = trampolines.take(Dispatch.modeOf(o));
        try {
            live.trampoline = (Trampoline) slot.constructor().invoke(o.func(), o, live);
        } catch (Throwable t) {
            trampolines.giveBack(slot);
            throw killSwitch.bug("cannot build the trampoline of " + o.name(), t, ops.registered());
        }
        live.slot = slot;
        live.pin(o);
        s.registered = true;
        live.live = true;
        ops.add(s);
        ops.publish();
        try {
            applier.apply(s);
        } catch (FtraceException e) {
            // EBUSY (a second IPMODIFY on a method): nothing was changed; undo the registration.
            live.live = false;
            s.registered = false;
            ops.remove(s);
            ops.publish();
            live.slot = null;
            live.trampoline = null;
            live.unpin();
            trampolines.giveBack(slot);
            throw e;
        }
    }

    /**
     * Builds the invokers a {@link RedirectFunc} will be linked to on the methods of {@code filter}
     * before the register takes the lock: building one reflects on the classes involved, which may
     * load classes. A method added to the filter later is linked directly from the first relink
     * after its first redirected call.
     */
    private void prepareRedirect(RedirectFunc f, FilterList filter) {
        redirects.prepare(f, queries.traceableIn(filter));
    }

    @Override
    public void unregister(FtraceOps o) {
        busy(() -> {
            doUnregister(o);
            return null;
        });
    }

    private void doUnregister(FtraceOps o) {
        killSwitch.checkAlive();
        TrampolinePool.Slot slot;
        OpsState s;
        List<Entries.Entry> retired;
        synchronized (ops) {
            s = ops.find(o);
            if (s == null || !s.registered) {
                throw new FtraceException(Errno.EBUSY, o.name() + " is not registered; "
                        + "register it before unregistering it");
            }
            s.live.live = false; // before relinking: a thread still on an old target skips the callback
            s.registered = false;
            ops.remove(s);
            ops.publish();
            applier.apply(s);
            retired = entries.retire(s.live); // no hooked method names them any more
            graphSets.retire(s.live); // nor a set of exit-hook ops that held it: a new register gets a new one
            slot = s.live.slot;
            s.live.slot = null;
        }
        callSites.purge(); // call-site lines of unloaded classes
        // Grace period outside the lock: a callback being waited for may itself call jftrace.
        Quiescence.await(slot.type().getName());
        for (Entries.Entry e : retired) {
            Quiescence.await(e.className()); // a thread between its hook and the entry's target
        }
        VirtualGrace.await(); // virtual threads, whose stacks Quiescence cannot see
        synchronized (ops) {
            entries.recycle(retired);
            s.live.trampoline = null;
            if (!s.registered) {
                s.live.unpin();
            }
            trampolines.giveBack(slot);
        }
    }

    // ---------------------------------------------------------------- filters

    @Override
    public void setFilter(FtraceOps o, String buf, boolean reset, boolean pending) {
        busy(() -> {
            changeList(o, buf, reset, pending, true);
            return null;
        });
    }

    @Override
    public void setNotrace(FtraceOps o, String buf, boolean reset, boolean pending) {
        busy(() -> {
            changeList(o, buf, reset, pending, false);
            return null;
        });
    }

    private void changeList(FtraceOps o, String buf, boolean reset, boolean pending, boolean isFilter) {
        killSwitch.checkAlive();
        boolean registered;
        FilterList.Entry entry = null;
        if (buf != null && !buf.trim().isEmpty()) {
            entry = new FilterList.Entry(Glob.parse(buf), pending);
        }
        synchronized (ops) {
            OpsState s = ops.state(o);
            registered = s.registered;
            if (registered && isFilter && entry != null) {
                ops.publish(s.filter.plus(entry)); // classes of the new entry that load meanwhile take the lock
            }
        }
        // A filter that may end up empty means every method: every loaded class must be in the table.
        boolean mayEmpty = isFilter && registered && (entry == null || entry.negative);
        FilterList.Entry e = entry;
        scannedThen(mayEmpty ? ClassMatch.ALL : e == null ? ClassMatch.NONE : ClassMatch.of(e), () -> {
            OpsState s = ops.state(o);
            FilterList next;
            if (e == null) {
                next = FilterEditor.forEmptyPattern(reset);
            } else {
                next = FilterEditor.withPattern(table, reset ? FilterList.EMPTY : s.list(isFilter), e);
            }
            FilterEditor.checkIpmodify(s, isFilter, next);
            commitList(s, isFilter, next);
            return null;
        });
    }

    /** Sets the new list; if the ops is registered, applies it, or restores the old list on EBUSY. Under the lock. */
    private void commitList(OpsState s, boolean isFilter, FilterList next) {
        FilterList old = s.list(isFilter);
        s.setList(isFilter, next);
        if (!s.registered) {
            return; // the snapshot is of registered ops' filters only
        }
        ops.publish();
        try {
            applier.apply(s);
        } catch (FtraceException e) {
            s.setList(isFilter, old);
            ops.publish();
            throw e;
        }
    }

    @Override
    public void setFilterIp(FtraceOps o, long ip, boolean remove, boolean reset) {
        busy(() -> {
            killSwitch.checkAlive();
            MethodRecord m = FilterEditor.traceableAt(table, ip);
            boolean registered;
            synchronized (ops) {
                registered = ops.state(o).registered;
            }
            // Removing the last entry means every method: every loaded class must be in the table.
            scannedThen(remove && registered ? ClassMatch.ALL : ClassMatch.NONE, () -> {
                OpsState s = ops.state(o);
                FilterList base = reset ? FilterList.EMPTY : s.filter;
                FilterList next = FilterEditor.withIp(table, base, m, remove, o.name());
                FilterEditor.checkIpmodify(s, true, next);
                commitList(s, true, next);
                return null;
            });
            return null;
        });
    }

    // ---------------------------------------------------------------- PER_CPU

    @Override
    public void localEnable(FtraceOps o) {
        perCpuAdd(o, -1);
    }

    @Override
    public void localDisable(FtraceOps o) {
        perCpuAdd(o, +1);
    }

    /** The calling thread's counter of a PER_CPU ops; no effect (and one warning) without PER_CPU. */
    private void perCpuAdd(FtraceOps o, int delta) {
        killSwitch.checkAlive();
        OpsState s;
        synchronized (ops) {
            s = ops.state(o);
        }
        LiveOps live = s.live;
        if (live.perCpuId < 0) {
            live.warnNotPerCpu();
            return;
        }
        ThreadGuard guard = ThreadGuard.ofCurrentThread();
        boolean was = guard.perCpuEnabled(live.perCpuId);
        boolean now = guard.perCpuAdd(live.perCpuId, delta);
        if (live.perCpuChanged(Thread.currentThread(), was, now)) {
            // the second enabled thread: hook sites switch to the per-thread lookup, once
            busy(() -> {
                synchronized (ops) {
                    applier.relinkAll(s);
                }
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public boolean isRegistered(FtraceOps o) {
        synchronized (ops) {
            OpsState s = ops.find(o);
            return s != null && s.registered;
        }
    }

    @Override
    public int recursionTrylock() {
        return ThreadGuard.enterJftrace() ? -1 : 0; // the slot is the thread's own: leave finds it again
    }

    @Override
    public void recursionUnlock(int bit) {
        if (bit >= 0) {
            ThreadGuard.leaveJftrace(false);
        }
    }

    @Override
    public long callbackErrors(FtraceOps o) {
        synchronized (ops) {
            OpsState s = ops.find(o);
            return s == null ? 0 : s.live.errors();
        }
    }

    @Override
    public Optional<FunctionInfo> lookup(long ip) {
        return queries.lookup(ip);
    }

    @Override
    public long lookupIp(String name) {
        return busy(() -> {
            killSwitch.checkAlive();
            return queries.lookupIp(name);
        });
    }

    @Override
    public List<FunctionInfo> availableFilterFunctions() {
        return busy(() -> {
            killSwitch.checkAlive();
            return queries.availableFilterFunctions();
        });
    }

    @Override
    public List<EnabledFunction> enabledFunctions() {
        killSwitch.checkAlive();
        return queries.enabledFunctions();
    }

    @Override
    public void checkReplacement(long ip, long replacementIp) {
        killSwitch.checkAlive();
        MethodRecord m = table.methodOfIp(ip);
        if (m == null || m.ip() != ip) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no method");
        }
        busy(() -> redirects.find(m, replacementIp));
    }
}
