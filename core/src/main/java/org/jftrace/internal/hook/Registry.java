package org.jftrace.internal.hook;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.FunctionInfo;
import org.jftrace.RedirectFunc;
import org.jftrace.internal.api.Backend;
import org.jftrace.internal.boot.HookTarget;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.boot.Linker;
import org.jftrace.internal.bytecode.ClassScanner;
import org.jftrace.internal.bytecode.ClassScanner.ScannedClass;
import org.jftrace.internal.bytecode.ClassScanner.ScannedMethod;
import org.jftrace.internal.bytecode.HookInstrumenter;
import org.jftrace.internal.glob.Glob;

/**
 * The ops registry: ftrace.c's core. It owns the function table, each ops' filters, which ops are
 * enabled on which method, the hook sites' targets and the retransformation of classes.
 *
 * <p>Every change goes: validate (throwing changes nothing), commit the new filter or ops list,
 * then {@link #applyChanges(OpsState)}: recompute each method's ops list, relink its hook site (no class
 * change needed while a method stays hooked), and retransform in batches the classes whose set of
 * hooked methods changed. All of it under this object's monitor, which the transformer takes too,
 * so a class that loads during a change is hooked exactly as the final state says. Code under the
 * monitor never runs user code and never waits for another thread, except the JVM's own
 * retransformation (a safepoint, which blocked threads do not hold up).
 */
public final class Registry implements Backend {
    private static final MethodType SITE_TYPE = MethodType.methodType(void.class);
    private static final MethodType REGS_SITE_TYPE = MethodType.methodType(Object.class, Object.class, long[].class,
            Object[].class);
    private static final MethodHandle NOP = MethodHandles.empty(SITE_TYPE);
    private static final MethodHandle REGS_NOP = MethodHandles.empty(REGS_SITE_TYPE);
    private static final MethodHandle NEW_REGS;
    private static final MethodHandle REGS_RESULT;
    private static final MethodHandle GUARDED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            // A factory, not the constructor: a constructor handle allocates with Unsafe.allocateInstance,
            // whose JIT intrinsic on JDK 25 tests a JVMTI flag with an uncommon trap (measured +3.6 ns).
            NEW_REGS = l.findStatic(RegsImpl.class, "make", MethodType.methodType(RegsImpl.class, long.class,
                    String.class, Object.class, long[].class, Object[].class));
            REGS_RESULT = l.findVirtual(RegsImpl.class, "result", MethodType.methodType(Object.class));
            GUARDED = l.findStatic(Dispatch.class, "guarded", MethodType.methodType(void.class, MethodHandle.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private static final int BATCH = 256;

    private final Instrumentation inst;
    private final FunctionTable table = new FunctionTable();
    private final TrampolinePool trampolines = new TrampolinePool();
    private final Redirects redirects = new Redirects(this);
    /** States of every ops ever passed in, weakly: an unregistered ops that users dropped goes away. */
    private final Map<FtraceOps, OpsState> states = new WeakHashMap<>();
    /** Registered ops, newest first (the kernel's list order). */
    private final List<OpsState> registered = new ArrayList<>();
    /**
     * Loaded classes that cannot be scanned (no class file found); not retried. Its own lock, not
     * the registry's: {@link #prefetch} reads it for every candidate class without the registry lock.
     */
    private final Map<Class<?>, Boolean> unscannable = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Class files read by {@link #prefetch} before a caller takes the registry lock; taken (and
     * removed) by {@link #scanLoaded}. Reading a class file runs the class loader's and the JDK's
     * zip code, which hold their own locks; doing it under the registry lock deadlocked against a
     * thread that loaded a class while holding one of those (our transformer then waits for the
     * registry lock): seen with the JDK's Common-Cleaner closing a jar while a lookup read it.
     */
    private final Map<Class<?>, byte[]> prefetched = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Long, Integer> callSiteLines = Collections.synchronizedMap(new HashMap<>());
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    private Thread transforming;
    private volatile String disabledReason;

    public Registry(Instrumentation inst) {
        this.inst = inst;
        ParentIps.registry = this;
        RegsImpl.registry = this;
        Hooks.setLinker(new SiteLinker());
    }

    // ---------------------------------------------------------------- API (Backend)

    // Each entry point marks the thread busy (ThreadGuard.enterJftrace): JDK code that jftrace runs
    // for the change may be hooked, and its guarded callbacks are not called from inside jftrace.

    @Override
    public void register(FtraceOps ops) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            doRegister(ops);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    @Override
    public void unregister(FtraceOps ops) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            doUnregister(ops);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    private void changeList(FtraceOps ops, String buf, boolean reset, boolean pending, boolean isFilter) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            doChangeList(ops, buf, reset, pending, isFilter);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    @Override
    public void setFilterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            doSetFilterIp(ops, ip, remove, reset);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    @Override
    public long lookupIp(String name) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            return doLookupIp(name);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    @Override
    public List<FunctionInfo> availableFilterFunctions() {
        boolean g = ThreadGuard.enterJftrace();
        try {
            return doAvailableFilterFunctions();
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    private void doRegister(FtraceOps ops) {
        checkAlive();
        if (ops.has(Flag.IPMODIFY) && !ops.has(Flag.SAVE_REGS)) {
            throw new FtraceException(Errno.EINVAL, ops.name() + " has IPMODIFY without SAVE_REGS: IPMODIFY "
                    + "changes the ip in regs, so add SAVE_REGS");
        }
        FilterList wanted;
        synchronized (this) {
            wanted = state(ops).filter;
        }
        prefetch(ClassMatch.of(wanted));
        if (ops.func() instanceof RedirectFunc && ops.has(Flag.IPMODIFY) && !wanted.isEmpty()) {
            prepareRedirect((RedirectFunc) ops.func(), wanted);
        }
        synchronized (this) {
            OpsState s = state(ops);
            if (s.registered) {
                throw new FtraceException(Errno.EBUSY, ops.name() + " is registered already; "
                        + "unregister it first, or register a new FtraceOps");
            }
            if (ops.has(Flag.IPMODIFY) && s.filter.isEmpty()) {
                throw new FtraceException(Errno.EINVAL, ops.name() + " has IPMODIFY and an empty filter (every "
                        + "method): set a filter naming the methods it redirects first");
            }
            ensureScanned(ClassMatch.of(s.filter));
            TrampolinePool.Slot slot = trampolines.take(Dispatch.modeOf(ops));
            try {
                s.trampoline = (Trampoline) slot.constructor.invoke(ops.func(), ops, s);
            } catch (Throwable t) {
                trampolines.giveBack(slot);
                throw bug("cannot build the trampoline of " + ops.name(), t);
            }
            s.slot = slot;
            s.pin(ops);
            s.registered = true;
            s.live = true;
            registered.add(0, s);
            try {
                applyChanges(s);
            } catch (FtraceException e) {
                // EBUSY (a second IPMODIFY on a method): nothing was changed; undo the registration.
                s.live = false;
                s.registered = false;
                registered.remove(s);
                s.slot = null;
                s.trampoline = null;
                s.unpin();
                trampolines.giveBack(slot);
                throw e;
            }
        }
    }

    /**
     * Builds the invokers a {@link RedirectFunc} will be linked to on the methods of {@code filter}
     * (see {@link Redirects#direct}), before the register takes the lock: building one reflects on
     * the classes involved, which may load classes. A method added to the filter later is linked
     * directly from the first relink after its first redirected call.
     */
    private void prepareRedirect(RedirectFunc f, FilterList filter) {
        List<MethodRecord> methods = new ArrayList<>();
        ClassMatch classes = ClassMatch.of(filter);
        synchronized (this) {
            for (ClassRecord c : table.classes()) {
                if (c.notraceReason != null || !classes.test(c.name)) {
                    continue;
                }
                for (MethodRecord m : c.methods) {
                    if (m.traceable() && filter.contains(m)) {
                        methods.add(m);
                    }
                }
            }
        }
        boolean g = ThreadGuard.enterJftrace();
        try {
            redirects.prepare(f, methods);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    private void doUnregister(FtraceOps ops) {
        checkAlive();
        TrampolinePool.Slot slot;
        OpsState s;
        synchronized (this) {
            s = states.get(ops);
            if (s == null || !s.registered) {
                throw new FtraceException(Errno.EBUSY, ops.name() + " is not registered; "
                        + "register it before unregistering it");
            }
            s.live = false; // before relinking: a thread still on an old target skips the callback
            s.registered = false;
            registered.remove(s);
            applyChanges(s);
            slot = s.slot;
            s.slot = null;
        }
        // Grace period outside the lock: a callback being waited for may itself call jftrace.
        Quiescence.await(slot.type.getName());
        synchronized (this) {
            s.trampoline = null;
            if (!s.registered) {
                s.unpin();
            }
            trampolines.giveBack(slot);
        }
    }

    @Override
    public void setFilter(FtraceOps ops, String buf, boolean reset, boolean pending) {
        changeList(ops, buf, reset, pending, true);
    }

    @Override
    public void setNotrace(FtraceOps ops, String buf, boolean reset, boolean pending) {
        changeList(ops, buf, reset, pending, false);
    }

    private void doChangeList(FtraceOps ops, String buf, boolean reset, boolean pending, boolean isFilter) {
        checkAlive();
        if (buf == null || buf.trim().isEmpty()) {
            if (!reset) {
                throw new FtraceException(Errno.EINVAL, "empty pattern: give a glob such as "
                        + "'java.util.HashMap.get', or pass reset=true to clear the list");
            }
            synchronized (this) {
                OpsState s = state(ops);
                checkIpmodifyList(s, isFilter, FilterList.EMPTY);
                commitList(s, isFilter, FilterList.EMPTY);
            }
            return;
        }
        Glob glob = Glob.parse(buf);
        FilterList.Entry entry = new FilterList.Entry(glob, pending);
        ClassMatch entryClasses = ClassMatch.of(entry);
        prefetch(entryClasses);
        synchronized (this) {
            OpsState s = state(ops);
            ensureScanned(entryClasses);
            if (!pending && !matchesAnyLoaded(entry)) {
                throw new FtraceException(Errno.EINVAL, "pattern \"" + glob.text()
                        + "\" matches no traceable method of any loaded class; check the name "
                        + "(binary.class.Name.method, with $ for nested classes), or set it as a pending "
                        + "pattern (ftraceSetFilterPending) to wait for the class to load");
            }
            FilterList base = reset ? FilterList.EMPTY : (isFilter ? s.filter : s.notrace);
            FilterList next;
            if (glob.negated()) {
                next = base.isEmpty() ? base : prune(base.plus(entry));
            } else {
                next = base.plus(entry);
            }
            checkIpmodifyList(s, isFilter, next);
            commitList(s, isFilter, next);
        }
    }

    /** IPMODIFY ops: no notrace changes, and never an empty filter (every method). */
    private static void checkIpmodifyList(OpsState s, boolean isFilter, FilterList next) {
        if (!s.has(Flag.IPMODIFY)) {
            return;
        }
        if (!isFilter) {
            throw new FtraceException(Errno.EINVAL, s.name + " has IPMODIFY: its methods are chosen by "
                    + "its filter alone, a notrace list is not allowed");
        }
        if (next.isEmpty()) {
            throw new FtraceException(Errno.EINVAL, "this change would leave " + s.name
                    + " (IPMODIFY) with an empty filter, which means every method; keep at least one entry");
        }
    }

    /** Sets the new list; if the ops is registered, applies it, or restores the old list on EBUSY. */
    private void commitList(OpsState s, boolean isFilter, FilterList next) {
        FilterList old = isFilter ? s.filter : s.notrace;
        if (isFilter) {
            s.filter = next;
        } else {
            s.notrace = next;
        }
        if (!s.registered) {
            return;
        }
        try {
            applyChanges(s);
        } catch (FtraceException e) {
            if (isFilter) {
                s.filter = old;
            } else {
                s.notrace = old;
            }
            throw e;
        }
    }

    private void doSetFilterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
        checkAlive();
        MethodRecord m = table.methodOfIp(ip);
        if (m == null || m.ip() != ip || !m.traceable() || m.owner.notraceReason != null) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no traceable method"
                    + (m != null && m.ip() == ip ? " (" + m + " is not traceable: " + reasonOf(m) + ")" : "")
                    + "; get ips from Ftrace.lookupIp or availableFilterFunctions");
        }
        synchronized (this) {
            OpsState s = state(ops);
            FilterList base = reset ? FilterList.EMPTY : s.filter;
            FilterList next;
            if (remove) {
                if (base.isEmpty() || !base.contains(m)) {
                    throw new FtraceException(Errno.ENOENT, m + " is not in the filter of " + ops.name()
                            + "; nothing to remove");
                }
                next = prune(base.plus(new FilterList.Entry(m, true)));
            } else {
                next = base.plus(new FilterList.Entry(m, false));
            }
            checkIpmodifyList(s, true, next);
            commitList(s, true, next);
        }
    }

    @Override
    public void localEnable(FtraceOps ops) {
        perCpuAdd(ops, -1);
    }

    @Override
    public void localDisable(FtraceOps ops) {
        perCpuAdd(ops, +1);
    }

    /** The calling thread's counter of a PER_CPU ops; no effect (and one warning) without PER_CPU. */
    private void perCpuAdd(FtraceOps ops, int delta) {
        checkAlive();
        OpsState s;
        synchronized (this) {
            s = state(ops);
        }
        if (s.perCpuId < 0) {
            s.warnNotPerCpu();
            return;
        }
        ThreadGuard g = ThreadGuard.ofCurrentThread();
        boolean was = g.perCpuEnabled(s.perCpuId);
        boolean now = g.perCpuAdd(s.perCpuId, delta);
        if (s.perCpuChanged(Thread.currentThread(), was, now)) {
            relinkAll(s); // the second enabled thread: hook sites switch to the per-thread lookup, once
        }
    }

    @Override
    public synchronized boolean isRegistered(FtraceOps ops) {
        OpsState s = states.get(ops);
        return s != null && s.registered;
    }

    @Override
    public synchronized long callbackErrors(FtraceOps ops) {
        OpsState s = states.get(ops);
        return s == null ? 0 : s.errors();
    }

    @Override
    public Optional<FunctionInfo> lookup(long ip) {
        MethodRecord m = table.methodOfIp(ip);
        if (m == null) {
            return Optional.empty();
        }
        int bci = (int) (ip & ((1L << Hooks.IP_SHIFT) - 1));
        if (bci == 0) {
            return Optional.of(m.info());
        }
        Integer line = callSiteLines.get(ip);
        return Optional.of(m.info(bci, line == null ? -1 : line));
    }

    private long doLookupIp(String name) {
        checkAlive();
        String n = name.trim();
        int paren = n.indexOf('(');
        String fname = paren < 0 ? n : n.substring(0, paren);
        String params = paren < 0 ? null : n.substring(paren).replace(" ", "");
        int dot = fname.lastIndexOf('.');
        if (dot <= 0) {
            throw new FtraceException(Errno.EINVAL, "\"" + name + "\" is not binary.class.Name.method[(params)]");
        }
        String cls = fname.substring(0, dot);
        String method = fname.substring(dot + 1);
        List<MethodRecord> found = new ArrayList<>();
        prefetch(cls::equals);
        synchronized (this) {
            ensureScanned(cls::equals);
            for (ClassRecord c : table.classes()) {
                if (!c.name.equals(cls)) {
                    continue;
                }
                for (MethodRecord m : c.methods) {
                    if (m.name.equals(method) && (params == null || params.equals(m.parameters))) {
                        found.add(m);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new FtraceException(Errno.ENOENT, "no loaded class has a method " + n);
        }
        if (found.size() > 1) {
            StringBuilder sb = new StringBuilder();
            for (MethodRecord m : found) {
                sb.append(' ').append(m.parameters);
            }
            throw new FtraceException(Errno.EINVAL, n + " is ambiguous: add a parameter list, one of" + sb);
        }
        return found.get(0).ip();
    }

    private List<FunctionInfo> doAvailableFilterFunctions() {
        checkAlive();
        List<FunctionInfo> out = new ArrayList<>();
        prefetch(ClassMatch.ALL);
        synchronized (this) {
            ensureScanned(ClassMatch.ALL);
            for (ClassRecord c : table.classes()) {
                if (c.notraceReason != null) {
                    continue;
                }
                for (MethodRecord m : c.methods) {
                    if (m.traceable()) {
                        out.add(m.info());
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<EnabledFunction> enabledFunctions() {
        checkAlive();
        List<EnabledFunction> out = new ArrayList<>();
        synchronized (this) {
            for (ClassRecord c : table.classes()) {
                for (int i = 0; i < c.methods.length; i++) {
                    MethodRecord m = c.methods[i];
                    if (m.enabled.length > 0 && c.instrumented.get(i)) {
                        EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
                        for (OpsState s : m.enabled) {
                            flags.addAll(s.flags);
                        }
                        Redirects.Redirect direct = c.instrumentedRegs.get(i) ? m.direct : null;
                        out.add(new EnabledFunction(m.info(), m.enabled.length, Collections.unmodifiableSet(flags),
                                direct == null ? null : direct.target.info()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs, once, every path the transformer and hooked calls take, so that their classes are
     * loaded before the transformer is added: a class loaded from inside a transform is missed or
     * fails with ClassCircularityError (pitfall E2).
     */
    public static void warmUp() {
        byte[] bytes = readClassFile(ListTarget.class);
        if (bytes == null) {
            throw new IllegalStateException("cannot read jftrace's own class files");
        }
        ClassScanner.ScannedClass sc = ClassScanner.scan(bytes);
        Map<String, Long> ips = new HashMap<>();
        for (ScannedMethod m : sc.methods) {
            ips.put(m.name + m.descriptor, 1L << Hooks.IP_SHIFT);
            m.parameters();
            Notrace.isFunction(m);
            Notrace.methodReason("java.util.HashMap", m);
        }
        HookInstrumenter.instrument(bytes, ips, HookInstrumenter.Kind.INDY);
        HookInstrumenter.instrument(bytes, ips, HookInstrumenter.Kind.STATIC);
        Glob g = Glob.parse("!java.util.Hash*.get(java.lang.Object):mod:java.base");
        g.matches("java.util.HashMap.get", "(java.lang.Object)", "java.base");
        g.mayMatchClass("java.util.HashMap");
        Notrace.classReason("java.util.HashMap");
        ThreadGuard.ofCurrentThread();
        ThreadGuard.sweep();
        new FilterList.Entry(g, false).toString();
        moduleName(Object.class.getModule(), null);
        new BitSet().clone();
        Quiescence.class.getName();
        Hooks.enter(0L);
        ThreadGuard.trainSlot();
        // The hook path itself: a class first loaded from inside a hooked call (HashMap.get runs
        // during class loading) would be a ClassCircularityError.
        OpsState s = new OpsState(FtraceOps.of(new WarmUpFunc()).withFlags(Flag.PARENT_IP, Flag.PER_CPU));
        s.pin(s.ref.get());
        s.live = true;
        s.markReported();
        ThreadGuard.ofCurrentThread().perCpuAdd(s.perCpuId, -1);
        s.perCpuOnly = Thread.currentThread();
        // Three callback classes: the callback call's type profile is megamorphic from the start, so
        // a standalone compile of Dispatch.call never inlines a user's callback. Inlined that way it
        // grew past the JIT's InlineSmallCode (measured: 2,880 bytes), and hooked methods then stopped
        // inlining Dispatch.call: a real call per hooked call, and no escape analysis of the registers.
        FtraceFunc[] funcs = {s.func, new WarmUpFunc2(), new WarmUpFunc3()};
        for (int mode = 0; mode < 4 * Dispatch.MODES; mode++) { // with and without PER_CPU_MANY, CHAIN_GUARD
            for (int i = 0; i < 3; i++) {
                Dispatch.call(funcs[i], 0L, s.ops, s, null, mode);
                RegsImpl regs = RegsImpl.make(0L, "IL", null, new long[2], new Object[2]);
                Dispatch.call(funcs[i], 0L, s.ops, s, regs, mode);
                regs.result();
            }
        }
        ThreadGuard.ofCurrentThread().perCpuAdd(s.perCpuId, +1);
        // Teach the shared profile of Dispatch.call that "not live" happens: otherwise the JIT makes
        // that branch an uncommon trap, and a trap is a call, so an empty callback's traced method
        // could no longer be compiled as a frameless leaf (measured: +3.4 ns per call).
        OpsState dead = new OpsState(FtraceOps.of(new WarmUpFunc()).withFlags(Flag.RECURSION_SAFE));
        dead.pin(dead.ref.get());
        s.live = true;
        // The same for the PER_CPU check against the only enabled thread: this thread and another;
        // and for the recursion guard, free and held, alone and for a chain (Dispatch.guarded).
        MethodHandle chain = MethodHandles.empty(SITE_TYPE);
        for (int i = 0; i < 40_000; i++) {
            Dispatch.call(dead.func, 0L, dead.ops, dead, null, 0);
            Dispatch.call(funcs[i % 3], 0L, s.ops, s, null, 0);
            s.perCpuOnly = (i & 1) == 0 ? Thread.currentThread() : null;
            Dispatch.call(funcs[(i + 1) % 3], 0L, s.ops, s, null, Dispatch.PER_CPU);
            boolean held = (i & 1) == 0 && ThreadGuard.enterJftrace();
            Dispatch.call(funcs[(i + 2) % 3], 0L, s.ops, s, null, Dispatch.GUARD);
            try {
                Dispatch.guarded(chain);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if ((i & 1) == 0) {
                ThreadGuard.leaveJftrace(held);
            }
        }
        s.perCpuOnly = null;
        s.live = false;
        ParentIps.warmUp();
        new ListTarget(new Trampoline[0]).enter(0L);
        new ListTarget(new Trampoline[0]).enterRegs(0L, null, new long[0], new Object[0]);
        s.live = false;
    }

    /** Warm-up's other callback classes (see the type-profile note in warmUp). */
    private static final class WarmUpFunc2 implements FtraceFunc {
        @Override
        public void call(long ip, long parentIp, FtraceOps op, org.jftrace.Regs regs) {
        }
    }

    private static final class WarmUpFunc3 implements FtraceFunc {
        @Override
        public void call(long ip, long parentIp, FtraceOps op, org.jftrace.Regs regs) {
        }
    }

    /** Throws on one call in sixteen, so that warm-up runs the failure path too. */
    private static final class WarmUpFunc implements org.jftrace.FtraceFunc {
        private int calls;

        @Override
        public void call(long ip, long parentIp, FtraceOps op, org.jftrace.Regs regs) {
            if (regs != null && regs.argCount() > 0) {
                regs.arg(0);
            }
            if ((calls++ & 15) == 15) { // rarely: the failure path trained, but cold (not inlined)
                throw new IllegalStateException("warm-up");
            }
        }
    }

    /** Called by the agent once the transformer is in place: RCU ops may run from now on. */
    public void ready() {
        warmUpLinking();
        Rcu.start();
        ThreadGuard.startSweeper();
    }

    /**
     * Links one plain and one register-saving invokedynamic hook site before any ops exists, so
     * that the JDK's own first-time work for linking them (method type interning, bootstrap
     * argument conversion, invoker forms) is done here and not in the first hooked call of a
     * user's method, where the JDK code it runs could fire callbacks of ops on JDK methods.
     */
    private void warmUpLinking() {
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        String name = "org/jftrace/internal/hook/LinkWarmUp";
        cw.visit(org.objectweb.asm.Opcodes.V11, org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_SUPER,
                name, null, "java/lang/Object", null);
        for (String m : new String[] {"plain", "regs"}) {
            org.objectweb.asm.MethodVisitor mv = cw.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                    | org.objectweb.asm.Opcodes.ACC_STATIC, m, "(I)V", null, null);
            mv.visitCode();
            mv.visitInsn(org.objectweb.asm.Opcodes.RETURN);
            mv.visitMaxs(0, 1);
            mv.visitEnd();
        }
        cw.visitEnd();
        Map<String, Long> ips = new HashMap<>();
        ips.put("plain(I)V", 0L);
        ips.put("regs(I)V", 0L);
        byte[] bytes = HookInstrumenter.instrument(cw.toByteArray(), ips, Collections.singleton("regs(I)V"),
                HookInstrumenter.Kind.INDY);
        try {
            Class<?> k = MethodHandles.lookup().defineClass(bytes);
            k.getMethod("plain", int.class).invoke(null, 1);
            k.getMethod("regs", int.class).invoke(null, 1);
        } catch (ReflectiveOperationException | LinkageError e) {
            Log.warn("warming up hook-site linking failed (harmless): " + e, e);
        }
    }

    @Override
    public void checkReplacement(long ip, long replacementIp) {
        checkAlive();
        MethodRecord m = table.methodOfIp(ip);
        if (m == null || m.ip() != ip) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no method");
        }
        boolean g = ThreadGuard.enterJftrace();
        try {
            redirects.find(m, replacementIp);
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    /** {@return the number of methods in the function table (scanned so far)} */
    public int tableSize() {
        return table.size();
    }

    // ---------------------------------------------------------------- hooks: targets and classes

    /**
     * After a change of {@code changedOps} (registered, unregistered, or a list changed): recomputes
     * the ops list of every method it may concern, relinks the hook sites whose list changed, and
     * retransforms the classes whose hooks must change. Under the lock.
     *
     * <p>Only the classes the ops' filter may match (every class for an empty filter) and those it
     * is enabled on now can change, since no other ops changed: that keeps a change on a large
     * function table cheap.
     */
    private void applyChanges(OpsState changedOps) {
        for (java.util.Iterator<ClassRecord> it = changedOps.hookedClasses.iterator(); it.hasNext();) {
            if (!it.next().loaderAlive()) {
                it.remove(); // its loader is gone: nothing left to unhook
            }
        }
        List<ClassRecord> candidates = new ArrayList<>();
        ClassMatch filter = ClassMatch.of(changedOps.filter);
        for (ClassRecord c : table.classes()) {
            if (c.notraceReason == null && (filter.test(c.name) || changedOps.hookedClasses.contains(c))) {
                candidates.add(c);
            }
        }
        // Phase 1: compute every method's new ops list; check IPMODIFY ownership before changing anything.
        List<MethodRecord> changed = new ArrayList<>();
        List<OpsState[]> lists = new ArrayList<>();
        for (ClassRecord c : candidates) {
            for (MethodRecord m : c.methods) {
                if (!m.traceable()) {
                    continue;
                }
                OpsState[] want = enabledOn(m);
                if (!Arrays.equals(want, m.enabled)) {
                    checkOneIpmodify(m, want);
                    changed.add(m);
                    lists.add(want);
                }
            }
        }
        // Phase 2: commit, relink, retransform. First free dead threads' guard slots, for the threads to come.
        ThreadGuard.sweep();
        try {
            HookTarget[] staticTargets = null;
            java.util.Set<ClassRecord> toRetransform = new java.util.LinkedHashSet<>();
            for (int i = 0; i < changed.size(); i++) {
                MethodRecord m = changed.get(i);
                m.enabled = lists.get(i);
                staticTargets = relink(m.owner, m, staticTargets);
            }
            for (ClassRecord c : candidates) {
                if (shapeChanged(c)) {
                    toRetransform.add(c);
                }
                if (hasOps(c, changedOps)) {
                    changedOps.hookedClasses.add(c);
                } else {
                    changedOps.hookedClasses.remove(c);
                }
            }
            if (staticTargets != null) {
                Hooks.setTargets(staticTargets);
            }
            retransform(new ArrayList<>(toRetransform));
        } catch (FtraceException e) {
            throw e;
        } catch (Throwable t) {
            throw bug("applying hook changes failed", t);
        }
    }

    private static boolean hasOps(ClassRecord c, OpsState s) {
        for (MethodRecord m : c.methods) {
            for (OpsState e : m.enabled) {
                if (e == s) {
                    return true;
                }
            }
        }
        return false;
    }

    /** EBUSY if {@code want} has two IPMODIFY ops (the kernel's {@code ftrace_hash_ipmodify_enable}). */
    private static void checkOneIpmodify(MethodRecord m, OpsState[] want) {
        OpsState owner = null;
        for (OpsState s : want) {
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
    private static boolean shapeChanged(ClassRecord c) {
        for (int i = 0; i < c.methods.length; i++) {
            MethodRecord m = c.methods[i];
            if (!m.traceable()) {
                continue;
            }
            boolean hook = m.enabled.length > 0;
            if (hook != c.instrumented.get(i) || (hook && MethodRecord.wantsRegs(m.enabled) != c.instrumentedRegs.get(i))) {
                return true;
            }
        }
        return false;
    }

    private OpsState[] enabledOn(MethodRecord m) {
        OpsState[] out = null;
        int n = 0;
        for (OpsState s : registered) {
            if ((s.filter.isEmpty() || s.filter.contains(m)) && !s.notrace.contains(m)) {
                if (out == null) {
                    out = new OpsState[registered.size()];
                }
                out[n++] = s;
            }
        }
        return n == 0 ? OpsState.NONE : Arrays.copyOf(out, n);
    }

    private static boolean usesIndy(ClassRecord c) {
        return !c.bootOrPlatform && c.classVersion >= 51;
    }

    /** Relinks every hook site of ops {@code s} (its link mode changed). */
    private void relinkAll(OpsState s) {
        boolean g = ThreadGuard.enterJftrace();
        try {
            synchronized (this) {
                HookTarget[] t = null;
                for (ClassRecord c : s.hookedClasses) {
                    for (MethodRecord m : c.methods) {
                        if (Arrays.asList(m.enabled).contains(s)) {
                            t = relink(c, m, t);
                        }
                    }
                }
                if (t != null) {
                    Hooks.setTargets(t);
                }
            }
        } finally {
            ThreadGuard.leaveJftrace(g);
        }
    }

    private static boolean wantsIpmodify(OpsState[] enabled) {
        for (OpsState s : enabled) {
            if (s.has(Flag.IPMODIFY)) {
                return true;
            }
        }
        return false;
    }

    /** Points method {@code m}'s hook site at its current ops list. */
    private HookTarget[] relink(ClassRecord c, MethodRecord m, HookTarget[] staticTargets) {
        if (usesIndy(c)) {
            boolean regs = MethodRecord.wantsRegs(m.enabled);
            MutableCallSite site = m.site;
            // The plain site exists for every hooked method: a regs hook that did not fit
            // (SAVE_REGS_IF_SUPPORTED) falls back to it, and its callbacks then get null regs.
            if (site == null && m.enabled.length > 0) {
                site = new MutableCallSite(SITE_TYPE);
                m.site = site;
            }
            if (site != null) {
                site.setTarget(chain(m));
            }
            MutableCallSite regsSite = m.regsSite;
            if (regsSite == null && regs) {
                regsSite = new MutableCallSite(REGS_SITE_TYPE);
                m.regsSite = regsSite;
            }
            if (m.redirectSite == null && wantsIpmodify(m.enabled)) {
                m.redirectSite = new MutableCallSite(Redirects.generic(m)); // of type Redirects.siteType(m)
            } else if (m.redirectSite != null) {
                Redirects.unlearn(m); // the redirecting ops may have changed: learn again
            }
            // A lone RedirectFunc: the regs site hands back its redirect as a constant, which the
            // redirect site expects already, so the JIT sees one path: the replacement.
            m.direct = regsSite != null ? redirects.direct(m) : null;
            if (m.direct != null) {
                Redirects.learn(m, m.direct);
            }
            if (regsSite != null) {
                regsSite.setTarget(m.direct != null ? Redirects.directTarget(m.direct, REGS_SITE_TYPE) : regsChain(m));
            }
            return staticTargets;
        }
        HookTarget[] t = staticTargets;
        if (t == null) {
            HookTarget[] cur = Hooks.targets();
            t = Arrays.copyOf(cur, Math.max(cur.length, table.size() + 1024));
        } else if (m.index >= t.length) {
            t = Arrays.copyOf(t, Math.max(m.index + 1, t.length * 2));
        }
        OpsState[] e = m.enabled;
        if (e.length == 0) {
            t[m.index] = null;
        } else if (e.length == 1) {
            t[m.index] = e[0].trampoline;
        } else {
            Trampoline[] list = new Trampoline[e.length];
            for (int i = 0; i < e.length; i++) {
                list[i] = e[i].trampoline;
            }
            t[m.index] = new ListTarget(list);
        }
        return t;
    }

    /** The invokedynamic target: each ops' trampoline with its arguments bound, newest first. */
    private static MethodHandle chain(MethodRecord m) {
        OpsState[] e = m.enabled;
        if (e.length == 0) {
            return NOP;
        }
        // All guarded: the guard is taken once, in Dispatch.guarded, whose lookup has no call or trap.
        boolean chainGuard = true;
        for (OpsState s : e) {
            chainGuard &= !s.has(Flag.RECURSION_SAFE);
        }
        MethodHandle h = null;
        for (int i = e.length - 1; i >= 0; i--) {
            OpsState s = e[i];
            MethodHandle one = MethodHandles.insertArguments(s.slot.call, 0, s.func, m.ip(), s.ops, s);
            one = MethodHandles.insertArguments(one, 0, s.linkMode() | (chainGuard ? Dispatch.CHAIN_GUARD : 0));
            h = h == null ? one : MethodHandles.foldArguments(h, one);
        }
        if (!chainGuard) {
            return h;
        }
        return MethodHandles.insertArguments(GUARDED, 0, h); // Dispatch.guarded(h)
    }

    /**
     * The target of the register-saving invokedynamic: make the registers, run each ops' trampoline
     * with them (newest first), then hand back what changed.
     * {@code (Object receiver, long[] prims, Object[] refs)Object}.
     */
    private static MethodHandle regsChain(MethodRecord m) {
        OpsState[] e = m.enabled;
        if (e.length == 0) {
            return REGS_NOP;
        }
        MethodHandle seq = null; // (RegsImpl)void
        for (int i = e.length - 1; i >= 0; i--) {
            OpsState s = e[i];
            MethodHandle one = MethodHandles.insertArguments(s.slot.callRegs, 0, s.func, m.ip(), s.ops, s);
            one = MethodHandles.insertArguments(one, 1, s.linkMode()); // (RegsImpl, int) -> (RegsImpl)
            seq = seq == null ? one : MethodHandles.foldArguments(seq, one);
        }
        MethodHandle body = MethodHandles.foldArguments(REGS_RESULT, seq); // (RegsImpl)Object
        // the sorts a constant, so that RegsImpl.arg folds (Object, long[], Object[])RegsImpl
        MethodHandle make = MethodHandles.insertArguments(NEW_REGS, 0, m.ip(), m.argSorts());
        return MethodHandles.collectArguments(body, 0, make);
    }

    private void retransform(List<ClassRecord> classes) {
        if (classes.isEmpty()) {
            return;
        }
        List<Class<?>> batch = new ArrayList<>();
        List<ClassRecord> recs = new ArrayList<>();
        resolveClasses(classes);
        for (ClassRecord c : classes) {
            Class<?> k = c.loadedClass();
            if (k == null) {
                continue; // not defined yet, or unloaded: its load-time transform applies the plan
            }
            batch.add(k);
            recs.add(c);
            if (batch.size() == BATCH) {
                retransformBatch(batch, recs);
                batch.clear();
                recs.clear();
            }
        }
        if (!batch.isEmpty()) {
            retransformBatch(batch, recs);
        }
    }

    private void retransformBatch(List<Class<?>> batch, List<ClassRecord> recs) {
        BitSet[] before = new BitSet[recs.size()];
        BitSet[] beforeRegs = new BitSet[recs.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = (BitSet) recs.get(i).instrumented.clone();
            beforeRegs[i] = (BitSet) recs.get(i).instrumentedRegs.clone();
        }
        try {
            inst.retransformClasses(batch.toArray(new Class<?>[0]));
            return;
        } catch (Throwable batchFailure) {
            // One bad class fails the whole batch (pitfall C3): retry one by one.
            for (int i = 0; i < before.length; i++) {
                recs.get(i).instrumented = before[i];
                recs.get(i).instrumentedRegs = beforeRegs[i];
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                inst.retransformClasses(batch.get(i));
            } catch (Throwable t) {
                recs.get(i).instrumented = before[i];
                recs.get(i).instrumentedRegs = beforeRegs[i];
                Log.warn("class " + recs.get(i).name + " cannot be retransformed, skipped: " + t, t);
            }
        }
    }

    /** Finds the Class objects of records that were scanned at load time, before they were defined. */
    private void resolveClasses(List<ClassRecord> classes) {
        boolean missing = false;
        for (ClassRecord c : classes) {
            if (c.loadedClass() == null) {
                missing = true;
                break;
            }
        }
        if (!missing) {
            return;
        }
        for (Class<?> k : inst.getAllLoadedClasses()) {
            ClassRecord c = table.find(k.getClassLoader(), k.getName());
            if (c != null && c.loadedClass() == null) {
                c.clazz = new WeakReference<>(k);
            }
        }
    }

    // ---------------------------------------------------------------- the transformer's side

    /**
     * The transform: adds hooks to the methods of {@code bytes} whose ops list is not empty, or
     * returns null (the JVM keeps the offered bytes: retransforming from them takes every earlier
     * hook off). Never throws (pitfall: failures go to the log, never into class loading).
     */
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain pd, byte[] bytes) {
        if (internalName == null || disabledReason != null) {
            return null;
        }
        String name = internalName.replace('/', '.');
        if (Notrace.classReason(name) != null) {
            return null;
        }
        boolean guard = ThreadGuard.enterJftrace();
        try {
            return transformLocked(module, loader, name, redefined, pd, bytes);
        } finally {
            ThreadGuard.leaveJftrace(guard);
        }
    }

    private byte[] transformLocked(Module module, ClassLoader loader, String name, Class<?> redefined,
                                   ProtectionDomain pd, byte[] bytes) {
        synchronized (this) {
            if (transforming == Thread.currentThread()) {
                return null; // a class loaded by our own transform: leave it alone (pitfall E2)
            }
            transforming = Thread.currentThread();
            try {
                ClassRecord c = table.find(loader, name);
                if (c == null) {
                    if (!anyRegisteredMayMatch(name)) {
                        return null; // scanned lazily, if a later filter may match it
                    }
                    c = add(loader, name, bytes, module, pd);
                    if (c == null) {
                        return null;
                    }
                    HookTarget[] t = null;
                    for (MethodRecord m : c.methods) {
                        if (m.traceable()) {
                            m.enabled = enabledOn(m);
                            if (m.enabled.length > 0) {
                                t = relink(c, m, t);
                                for (OpsState s : m.enabled) {
                                    s.hookedClasses.add(c);
                                }
                            }
                        }
                    }
                    if (t != null) {
                        Hooks.setTargets(t);
                    }
                }
                if (redefined != null && c.loadedClass() == null) {
                    c.clazz = new WeakReference<>(redefined);
                }
                return instrument(c, bytes);
            } catch (Throwable t) {
                Log.warn("cannot hook " + name + ", left unchanged: " + t, t);
                return null;
            } finally {
                transforming = null;
            }
        }
    }

    private byte[] instrument(ClassRecord c, byte[] bytes) {
        Map<String, Long> ips = new HashMap<>();
        Set<String> withRegs = new java.util.HashSet<>();
        BitSet set = new BitSet();
        BitSet regsSet = new BitSet();
        for (int i = 0; i < c.methods.length; i++) {
            MethodRecord m = c.methods[i];
            if (m.enabled.length > 0) {
                ips.put(m.name + m.descriptor, m.ip());
                set.set(i);
                if (MethodRecord.wantsRegs(m.enabled)) {
                    withRegs.add(m.name + m.descriptor);
                    regsSet.set(i);
                }
            }
        }
        if (ips.isEmpty()) {
            c.instrumented = set;
            c.instrumentedRegs = regsSet;
            return null;
        }
        HookInstrumenter.Kind kind = usesIndy(c) ? HookInstrumenter.Kind.INDY : HookInstrumenter.Kind.STATIC;
        byte[] out;
        try {
            out = HookInstrumenter.instrument(bytes, ips, withRegs, kind);
        } catch (RuntimeException tooLarge) {
            // Most likely a method pushed past 64 KiB (regs hooks are the larger ones): per method,
            // SAVE_REGS | SAVE_REGS_IF_SUPPORTED falls back to the plain hook (null regs); the rest is skipped.
            for (int i = 0; i < c.methods.length; i++) {
                MethodRecord m = c.methods[i];
                String key = m.name + m.descriptor;
                if (!set.get(i)) {
                    continue;
                }
                Map<String, Long> one = Collections.singletonMap(key, m.ip());
                if (withRegs.contains(key)) {
                    try {
                        HookInstrumenter.instrument(bytes, one, withRegs, kind);
                        continue;
                    } catch (RuntimeException e) {
                        withRegs.remove(key);
                        regsSet.clear(i);
                        if (!regsOptional(m)) {
                            ips.remove(key);
                            set.clear(i);
                            Log.warn("method " + m + " cannot get regs (" + e + "); skipped for its SAVE_REGS ops", null);
                            continue;
                        }
                        Log.warn("method " + m + " cannot get regs (" + e + "); hooked with null regs "
                                + "(SAVE_REGS_IF_SUPPORTED)", null);
                    }
                }
                try {
                    HookInstrumenter.instrument(bytes, one, kind);
                } catch (RuntimeException e) {
                    ips.remove(key);
                    set.clear(i);
                    Log.warn("method " + m + " cannot carry a hook, skipped: " + e, null);
                }
            }
            out = ips.isEmpty() ? null : HookInstrumenter.instrument(bytes, ips, withRegs, kind);
        }
        c.instrumented = set;
        c.instrumentedRegs = regsSet;
        if (Log.hook()) {
            Log.info("hooked " + set.cardinality() + " method(s) of " + c.name + " (" + kind + ")");
        }
        return out;
    }

    /** {@return whether every SAVE_REGS ops on {@code m} also has SAVE_REGS_IF_SUPPORTED} */
    private static boolean regsOptional(MethodRecord m) {
        for (OpsState s : m.enabled) {
            if (s.has(Flag.SAVE_REGS) && !s.has(Flag.SAVE_REGS_IF_SUPPORTED)) {
                return false;
            }
        }
        return true;
    }

    private boolean anyRegisteredMayMatch(String className) {
        for (OpsState s : registered) {
            if (s.filter.isEmpty() || s.filter.mayMatchClass(className)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- scanning loaded classes

    /**
     * Makes sure every loaded class whose name {@code wanted} accepts is in the function table,
     * reading its class file as a resource. Under the lock, after {@link #prefetch} with the same
     * test: this walk finds the classes loaded since, and is cheap when the test is (see ClassMatch).
     */
    private void ensureScanned(Predicate<String> wanted) {
        for (Class<?> k : inst.getAllLoadedClasses()) {
            String name = k.getName();
            if (wanted.test(name)) {
                scanLoaded(k, name);
            }
        }
    }

    /**
     * Reads, without the registry lock, the class files of loaded classes that {@code wanted}
     * accepts and the table lacks, and adds them to the table in batches under the lock, so that
     * the caller's own scan under the lock finds them there. The name test comes first: it rejects
     * nearly every class, and for a filter naming classes it is a set lookup.
     */
    private void prefetch(Predicate<String> wanted) {
        List<Class<?>> batch = new ArrayList<>();
        for (Class<?> k : inst.getAllLoadedClasses()) {
            String name = k.getName();
            if (!wanted.test(name) || k.isArray() || k.isPrimitive() || k.isHidden()
                    || table.find(k.getClassLoader(), name) != null || prefetched.containsKey(k)
                    || unscannable.containsKey(k)) {
                continue;
            }
            if (Notrace.classReason(name) == null && inst.isModifiableClass(k)) {
                byte[] bytes = readClassFile(k);
                if (bytes != null) {
                    prefetched.put(k, bytes);
                    batch.add(k);
                }
            }
            if (batch.size() == BATCH) { // a few hundred class files at a time in memory, not every one
                scanPrefetched(batch);
                batch.clear();
            }
        }
        scanPrefetched(batch);
    }

    private synchronized void scanPrefetched(List<Class<?>> batch) {
        for (Class<?> k : batch) {
            scanLoaded(k, k.getName());
            prefetched.remove(k); // if scanLoaded had no use for it
        }
    }

    /**
     * The classes a filter or one entry may have methods in ({@link FilterList#mayMatchClass}),
     * as a name test for the walks over every loaded class. A glob run for each of thousands of
     * classes, in both walks of every register, was most of jftrace's own cost of a register; a
     * pattern without wildcards and an ip each name one class, so those are looked up in a set,
     * and only the other patterns run their glob.
     */
    static final class ClassMatch implements Predicate<String> {
        /** Every class: an empty filter means every method. */
        static final ClassMatch ALL = new ClassMatch(true);

        private final boolean all;
        private final Set<String> names = new HashSet<>();
        private final List<FilterList.Entry> globs = new ArrayList<>();

        private ClassMatch(boolean all) {
            this.all = all;
        }

        /** {@return the classes of {@code filter}'s positive entries; every class if it is empty} */
        static ClassMatch of(FilterList filter) {
            if (filter.isEmpty()) {
                return ALL;
            }
            ClassMatch m = new ClassMatch(false);
            for (FilterList.Entry e : filter.entries) {
                if (!e.negative) {
                    m.add(e);
                }
            }
            return m;
        }

        /** {@return the classes of one entry, whatever its sign} */
        static ClassMatch of(FilterList.Entry e) {
            ClassMatch m = new ClassMatch(false);
            m.add(e);
            return m;
        }

        private void add(FilterList.Entry e) {
            String name = e.glob == null ? e.method.owner.name : literalClass(e.glob.literalName());
            if (name != null) {
                names.add(name);
            } else {
                globs.add(e);
            }
        }

        /**
         * {@return the class a literal function name's methods belong to, or null} What precedes
         * its last '.', with a method name after it: the one class Glob.mayMatchClass accepts.
         */
        static String literalClass(String function) {
            if (function == null) {
                return null;
            }
            int dot = function.lastIndexOf('.');
            return dot > 0 && dot < function.length() - 1 ? function.substring(0, dot) : null;
        }

        @Override
        public boolean test(String className) {
            if (all || names.contains(className)) {
                return true;
            }
            for (FilterList.Entry e : globs) {
                if (e.mayMatchClass(className)) {
                    return true;
                }
            }
            return false;
        }
    }

    private void scanLoaded(Class<?> k, String name) {
        scanLoaded(k, name, false);
    }

    /**
     * Adds loaded class {@code k} to the table. Notrace classes are added only {@code forLookup}
     * (a parent ip in them must resolve); their methods stay untraceable.
     */
    private void scanLoaded(Class<?> k, String name, boolean forLookup) {
        if (k.isArray() || k.isPrimitive() || k.isHidden() || (!forLookup && Notrace.classReason(name) != null)) {
            return;
        }
        ClassLoader loader = k.getClassLoader();
        ClassRecord c = table.find(loader, name);
        if (c != null) {
            if (c.loadedClass() == null) {
                c.clazz = new WeakReference<>(k);
            }
            return;
        }
        if (unscannable.containsKey(k) || !inst.isModifiableClass(k)) {
            return;
        }
        byte[] bytes = prefetched.remove(k);
        if (bytes == null) {
            bytes = readClassFile(k); // loaded after the prefetch: rare
        }
        if (bytes == null) {
            unscannable.put(k, Boolean.TRUE);
            return;
        }
        ProtectionDomain pd = null;
        try {
            pd = k.getProtectionDomain();
        } catch (SecurityException ignored) {
            // no code source: the module string stays empty
        }
        c = add(loader, name, bytes, k.getModule(), pd);
        if (c != null) {
            c.clazz = new WeakReference<>(k);
        }
    }

    private static byte[] readClassFile(Class<?> k) {
        String resource = k.getName().replace('.', '/') + ".class";
        try {
            Module module = k.getModule();
            InputStream in;
            if (module.isNamed()) {
                in = module.getResourceAsStream(resource);
            } else if (k.getClassLoader() != null) {
                in = k.getClassLoader().getResourceAsStream(resource);
            } else {
                in = ClassLoader.getSystemResourceAsStream(resource);
            }
            if (in == null) {
                return null;
            }
            try (InputStream closing = in) {
                return closing.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ClassRecord add(ClassLoader loader, String name, byte[] bytes, Module module, ProtectionDomain pd) {
        ScannedClass sc;
        try {
            sc = ClassScanner.scan(bytes);
        } catch (RuntimeException e) {
            Log.warn("class file of " + name + " cannot be read, not traceable: " + e, null);
            return null;
        }
        boolean bootOrPlatform = loader == null || loader == platformLoader;
        ClassRecord rec = new ClassRecord(name, loader, bootOrPlatform, moduleName(module, pd), sc.sourceFile,
                sc.version, Notrace.classReason(name));
        List<MethodRecord> protos = new ArrayList<>();
        for (ScannedMethod m : sc.methods) {
            if (Notrace.isFunction(m)) {
                protos.add(new MethodRecord(0, rec, m.name, m.descriptor, m.parameters(), m.access, m.firstLine,
                        rec.notraceReason != null ? rec.notraceReason : Notrace.methodReason(name, m)));
            }
        }
        return table.add(loader, rec, protos);
    }

    private static String moduleName(Module module, ProtectionDomain pd) {
        if (module != null && module.isNamed()) {
            return module.getName();
        }
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        if (url == null) {
            return "";
        }
        String path = url.getPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    // ---------------------------------------------------------------- filters

    private boolean matchesAnyLoaded(FilterList.Entry e) {
        for (ClassRecord c : table.classes()) {
            if (c.notraceReason != null || !e.mayMatchClass(c.name)) {
                continue;
            }
            for (MethodRecord m : c.methods) {
                if (m.traceable() && e.matches(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops positive entries that no longer select any method (a later {@code !} removed all they
     * matched) and are not pending; a list left with no positive entry is empty, which for a filter
     * means every method (the kernel's rule: removing the last entry empties the hash).
     */
    private FilterList prune(FilterList list) {
        FilterList out = list;
        for (FilterList.Entry e : list.entries) {
            if (e.negative || e.pending) {
                continue;
            }
            if (!selectsSomething(e, list)) {
                out = out.without(e);
            }
        }
        return out.hasPositive() ? out : FilterList.EMPTY;
    }

    private boolean selectsSomething(FilterList.Entry e, FilterList list) {
        for (ClassRecord c : table.classes()) {
            if (!e.mayMatchClass(c.name)) {
                continue;
            }
            for (MethodRecord m : c.methods) {
                if (e.matches(m) && list.contains(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private OpsState state(FtraceOps ops) {
        OpsState s = states.get(ops);
        if (s == null) {
            s = new OpsState(ops);
            states.put(ops, s);
        }
        return s;
    }

    private static String reasonOf(MethodRecord m) {
        return m.owner.notraceReason != null ? m.owner.notraceReason : m.notraceReason;
    }

    private void checkAlive() {
        String reason = disabledReason;
        if (reason != null) {
            throw new FtraceException(Errno.ENODEV, "jftrace disabled itself after an internal failure ("
                    + reason + "); restart the JVM to use it again");
        }
    }

    /**
     * The kernel's {@code ftrace_bug}: after a failure that leaves hooks in an unknown state, every
     * hook does nothing and every later call is ENODEV.
     */
    private FtraceException bug(String reason, Throwable cause) {
        disabledReason = reason + ": " + cause;
        Log.warn("jftrace disabled: " + disabledReason, cause);
        for (OpsState s : registered) {
            s.live = false;
        }
        Hooks.setTargets(new HookTarget[0]);
        return new FtraceException(Errno.ENODEV, "jftrace disabled itself: " + disabledReason);
    }

    MethodRecord method(long ip) {
        return table.methodOfIp(ip);
    }

    Redirects redirects() {
        return redirects;
    }

    /** {@return the class of {@code c}, found among the loaded classes if not known yet} */
    private Class<?> classOf(ClassRecord c) {
        Class<?> k = c.loadedClass();
        if (k == null) {
            synchronized (this) {
                resolveClasses(Collections.singletonList(c));
            }
            k = c.loadedClass();
        }
        if (k == null) {
            throw new FtraceException(Errno.EINVAL, c.name + " is not loaded (any more)");
        }
        return k;
    }

    /** {@return the reflective method of {@code m}} @throws FtraceException EINVAL for constructors or when it is gone */
    java.lang.reflect.Method reflect(MethodRecord m) {
        for (java.lang.reflect.Method x : classOf(m.owner).getDeclaredMethods()) {
            if (x.getName().equals(m.name) && MethodType.methodType(x.getReturnType(), x.getParameterTypes())
                    .toMethodDescriptorString().equals(m.descriptor)) {
                return x;
            }
        }
        throw new FtraceException(Errno.EINVAL, m + " is not a plain method (constructor or initialiser)");
    }

    /** {@return the parameter classes of {@code m}, or null if they cannot be resolved} */
    Class<?>[] resolveParameterTypes(MethodRecord m) {
        try {
            if (m.name.equals("<init>")) {
                for (java.lang.reflect.Constructor<?> x : classOf(m.owner).getDeclaredConstructors()) {
                    if (MethodType.methodType(void.class, x.getParameterTypes()).toMethodDescriptorString()
                            .equals(m.descriptor)) {
                        return x.getParameterTypes();
                    }
                }
                return null;
            }
            return reflect(m).getParameterTypes();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** {@return the parent ip of a caller frame: its method index and bytecode index} */
    long callSiteIp(StackWalker.StackFrame caller) {
        Class<?> k = caller.getDeclaringClass();
        ClassRecord c = table.find(k.getClassLoader(), k.getName());
        if (c == null) {
            byte[] bytes = readClassFile(k); // before the lock (see prefetched)
            if (bytes != null) {
                prefetched.put(k, bytes);
            }
            synchronized (this) {
                scanLoaded(k, k.getName(), true);
            }
            prefetched.remove(k);
            c = table.find(k.getClassLoader(), k.getName());
            if (c == null) {
                return 0L;
            }
        }
        String desc = caller.getDescriptor();
        for (MethodRecord m : c.methods) {
            if (m.name.equals(caller.getMethodName()) && m.descriptor.equals(desc)) {
                int bci = caller.getByteCodeIndex();
                long ip = m.ip() | (bci & ((1L << Hooks.IP_SHIFT) - 1));
                if (bci > 0) {
                    callSiteLines.putIfAbsent(ip, caller.getLineNumber());
                }
                return ip;
            }
        }
        return 0L;
    }

    /** Gives invokedynamic hook sites their call site. */
    private final class SiteLinker extends Linker {
        @Override
        public CallSite callSite(long ip, MethodType type) {
            boolean g = ThreadGuard.enterJftrace();
            try {
                return find(ip, type);
            } finally {
                ThreadGuard.leaveJftrace(g);
            }
        }

        private CallSite find(long ip, MethodType type) {
            MethodRecord m = table.methodOfIp(ip);
            MutableCallSite site = null;
            if (m != null) {
                if (type.equals(SITE_TYPE)) {
                    site = m.site;
                } else if (type.equals(REGS_SITE_TYPE)) {
                    site = m.regsSite;
                } else if (Redirects.isSiteType(type)) {
                    site = m.redirectSite;
                    if (site == null) { // no IPMODIFY ops was ever enabled here: nothing to learn
                        return new ConstantCallSite(Redirects.generic(m));
                    }
                }
            }
            if (site == null) {
                return new ConstantCallSite(MethodHandles.empty(type));
            }
            return site;
        }

        @Override
        public void linkFailed(long ip, Throwable failure) {
            Log.warn("hook site 0x" + Long.toHexString(ip) + " could not link, it does nothing: " + failure, failure);
        }
    }
}
