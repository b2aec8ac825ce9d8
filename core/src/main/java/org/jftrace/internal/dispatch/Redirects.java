package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.ConcurrentHashMap;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.RedirectFunc;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.functions.Reflection;

/**
 * IPMODIFY targets: checks that a replacement fits a traced method (checked when the ip is set,
 * never a VerifyError or ClassCastException later) and keeps one invoker per (traced, replacement).
 * An invoker holds the replacement's method handle, so it is kept with the replacement's class
 * (a {@link ClassValue}): a dropped loader's replacement goes with its loader.
 */
public final class Redirects {
    /** The boxed invoker of the static-call hook ({@code Hooks.redirect}): {@code (long[], Object[], Object, Object)Object}. */
    private static final MethodType BOXED = MethodType.methodType(Object.class, long[].class, Object[].class, Object.class,
            Object.class);

    /** A checked replacement, invoked with the traced call's receiver and arguments. */
    public static final class Redirect extends org.jftrace.internal.boot.HookRedirect {
        public final MethodRecord traced;
        public final MethodRecord target;
        /** The ips of {@link #traced} and {@link #target}, for {@code Regs.setIp}'s cache check. */
        final long tracedIp;
        final long targetIp;
        /** Of type {@link #siteType} of the traced method: what its learned redirect site calls. */
        final MethodHandle siteInvoker;
        private final MethodHandle boxed;

        Redirect(MethodRecord traced, MethodRecord target, MethodHandle siteInvoker) {
            this.traced = traced;
            this.target = target;
            this.tracedIp = traced.ip();
            this.targetIp = target.ip();
            this.siteInvoker = siteInvoker;
            this.boxed = siteInvoker.asType(BOXED);
        }

        @Override
        public Object invoke(Object receiver, long[] prims, Object[] refs) throws Throwable {
            return (Object) boxed.invokeExact(prims, refs, receiver, (Object) this);
        }
    }

    /**
     * {@return the type of method {@code m}'s redirect call site} The invokedynamic a register-saving
     * hook runs when a callback redirected the call ({@code Hooks.redirect} for static-call sites):
     * {@code (long[] prims, Object[] refs, Object receiver, Object redirect)} returning a primitive result as raw bits
     * ({@code long}), a reference as {@code Object}, or {@code void}, so that no box is made. Its
     * target is an inline cache: a generic invoker that, on the first redirect it sees, relinks the
     * site to test for that redirect and call its invoker as a constant, so the JIT inlines the
     * replacement into the traced method. Another redirect later takes the generic path.
     */
    public static MethodType siteType(MethodRecord m) {
        char r = m.descriptor.charAt(m.descriptor.indexOf(')') + 1);
        Class<?> result = r == 'V' ? void.class : r == 'L' || r == '[' ? Object.class : long.class;
        return MethodType.methodType(result, long[].class, Object[].class, Object.class, Object.class);
    }

    /** {@return whether {@code type} is that of a redirect site} */
    public static boolean isSiteType(MethodType type) {
        return type.parameterCount() == 4 && type.parameterType(0) == long[].class
                && type.parameterType(1) == Object[].class && type.parameterType(2) == Object.class
                && type.parameterType(3) == Object.class;
    }

    private static final MethodHandle GENERIC;
    private static final MethodHandle IS_REDIRECT;
    private static final MethodHandle LONG_SLOT = MethodHandles.arrayElementGetter(long[].class);
    private static final MethodHandle REF_SLOT = MethodHandles.arrayElementGetter(Object[].class);
    private static final MethodHandle FLOAT_OF_BITS;
    private static final MethodHandle DOUBLE_OF_BITS;
    private static final MethodHandle BITS_OF_FLOAT;
    private static final MethodHandle BITS_OF_DOUBLE;

    static {
        MethodHandles.Lookup l = MethodHandles.lookup();
        try {
            GENERIC = l.findStatic(Redirects.class, "learnAndInvoke",
                    MethodType.methodType(Object.class, HookSite.class, long[].class, Object[].class, Object.class,
                            Object.class));
            IS_REDIRECT = l.findStatic(Redirects.class, "isRedirect", MethodType.methodType(boolean.class,
                    Object.class, long[].class, Object[].class, Object.class, Object.class));
            FLOAT_OF_BITS = l.findStatic(Redirects.class, "floatOfBits", MethodType.methodType(float.class, long.class));
            DOUBLE_OF_BITS = l.findStatic(Double.class, "longBitsToDouble", MethodType.methodType(double.class, long.class));
            BITS_OF_FLOAT = l.findStatic(Redirects.class, "bitsOfFloat", MethodType.methodType(long.class, float.class));
            BITS_OF_DOUBLE = l.findStatic(Double.class, "doubleToRawLongBits",
                    MethodType.methodType(long.class, double.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static float floatOfBits(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    private static long bitsOfFloat(float f) {
        return Float.floatToRawIntBits(f);
    }

    /** {@return method {@code m}'s redirect site target before it learned a redirect} */
    public static MethodHandle generic(HookSite h) {
        // a primitive result comes back boxed as raw bits (Redirect.invoke) and is unboxed here
        return MethodHandles.insertArguments(GENERIC, 0, h).asType(siteType(h.method));
    }

    private static boolean isRedirect(Object expected, long[] prims, Object[] refs, Object receiver, Object redirect) {
        return redirect == expected;
    }

    private static Object learnAndInvoke(HookSite m, long[] prims, Object[] refs, Object receiver, Object redirect)
            throws Throwable {
        org.jftrace.internal.boot.HookRedirect r = (org.jftrace.internal.boot.HookRedirect) redirect;
        if (m.cachedRedirect == null && r instanceof Redirect) {
            learn(m, (Redirect) r);
        }
        return r.invoke(receiver, prims, refs);
    }

    /** Makes method {@code m}'s redirect site call {@code r} as a constant, guarded by an identity test (its inline cache). */
    static void learn(HookSite m, Redirect r) {
        synchronized (m) {
            final java.lang.invoke.MutableCallSite site = m.redirectSite;
            if (m.cachedRedirect != null || site == null) {
                return;
            }
            m.cachedRedirect = r;
            site.setTarget(MethodHandles.guardWithTest(MethodHandles.insertArguments(IS_REDIRECT, 0, r),
                    r.siteInvoker, generic(m)));
        }
    }

    /** Forgets what method {@code m}'s redirect site learned (its ops changed). Under the ops list's lock. */
    static void unlearn(HookSite m) {
        synchronized (m) {
            if (m.cachedRedirect != null) {
                m.cachedRedirect = null;
                m.redirectSite.setTarget(generic(m));
            }
        }
    }

    private final FunctionTable table;
    private final Reflection reflection;
    /**
     * Invokers by traced method, then by replacement, kept with the replacement's class. Keyed by the
     * traced method first so that a traced class's unloading drops its invokers ({@link #forget}):
     * they hold its records, which the table has let go (measured: 3.4 KiB per unloaded class).
     */
    private final ClassValue<Invokers> cache = new ClassValue<>() {
        @Override
        protected Invokers computeValue(Class<?> type) {
            Invokers c = new Invokers();
            synchronized (caches) {
                caches.add(new java.lang.ref.WeakReference<>(c));
            }
            return c;
        }
    };
    /** Every replacement class's invokers, weakly: {@link #forget} visits them. */
    private final java.util.List<java.lang.ref.WeakReference<Invokers>> caches = new java.util.ArrayList<>();

    /** One replacement class's invokers: traced index -> replacement index -> invoker. */
    private static final class Invokers extends ConcurrentHashMap<Integer, ConcurrentHashMap<Integer, Redirect>> {
        private static final long serialVersionUID = 1L;

        Redirect get(MethodRecord traced, MethodRecord target) {
            ConcurrentHashMap<Integer, Redirect> byTarget = get(traced.index);
            return byTarget == null ? null : byTarget.get(target.index);
        }

        void put(MethodRecord traced, MethodRecord target, Redirect r) {
            computeIfAbsent(traced.index, i -> new ConcurrentHashMap<>()).put(target.index, r);
        }
    }

    public Redirects(FunctionTable table, Reflection reflection) {
        this.table = table;
        this.reflection = reflection;
    }

    /**
     * Forgets the invokers of a traced method whose class was unloaded (the function table forgot
     * it). Any thread.
     */
    public void forget(int index) {
        synchronized (caches) {
            caches.removeIf(ref -> {
                Invokers c = ref.get();
                if (c != null) {
                    c.remove(index);
                }
                return c == null;
            });
        }
    }

    /** {@return how many invokers are kept, for every replacement class} (leak tests watch it) */
    public int invokers() {
        int n = 0;
        synchronized (caches) {
            for (java.lang.ref.WeakReference<Invokers> ref : caches) {
                Invokers c = ref.get();
                if (c != null) {
                    for (ConcurrentHashMap<Integer, Redirect> byTarget : c.values()) {
                        n += byTarget.size();
                    }
                }
            }
        }
        return n;
    }

    /** {@return the invokers kept for replacements in {@code target}'s class, or null when it is not loaded} */
    private Invokers cacheOf(MethodRecord target) {
        Class<?> k = target.owner.loadedClass();
        return k == null ? null : cache.get(k);
    }

    /** {@return the invoker of {@code ip} standing in for {@code traced}} @throws FtraceException EINVAL if it does not fit */
    public Redirect find(MethodRecord traced, long ip) {
        MethodRecord target = methodAt(ip);
        if (target == null) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no method; "
                    + "get it from Ftrace.lookupIp");
        }
        Invokers c = cacheOf(target);
        Redirect r = c == null ? null : c.get(traced, target);
        if (r == null) {
            r = build(traced, target); // resolves the replacement's class: cacheOf finds it now
            c = cacheOf(target);
            if (c != null) {
                c.put(traced, target, r);
            }
        }
        return r;
    }

    /**
     * {@return the redirect that method {@code m} is linked to directly, or null for its ordinary
     * register-saving chain} Direct when the only ops on {@code m} is a {@link RedirectFunc} with
     * IPMODIFY and no per-call condition (PER_CPU, RCU): its callback would pick the same replacement
     * on every call, so the hook site returns that redirect as a constant and the JIT compiles the
     * traced method into the replacement, with no path for another ip (such a path, a call or a
     * trap, costs a method its frame-free prologue). The recursion guard has no callback to guard.
     * Only an invoker already built counts (see {@link #prepare}): this runs under the ops list's lock,
     * and building one reflects on classes. Without one the chain runs the callback, whose first
     * call builds it; the method is linked directly at its next relink.
     */
    Redirect direct(HookSite h) {
        LiveOps[] e = h.enabled;
        if (e.length != 1) {
            return null;
        }
        LiveOps s = e[0];
        if (!(s.func instanceof RedirectFunc) || !s.has(FtraceOps.Flag.IPMODIFY) || s.has(FtraceOps.Flag.PER_CPU)
                || s.has(FtraceOps.Flag.RCU)) {
            return null;
        }
        MethodRecord target = methodAt(((RedirectFunc) s.func).ip());
        Invokers c = target == null ? null : cacheOf(target);
        return c == null ? null : c.get(h.method, target);
    }

    /** {@return the method whose own ip is {@code ip}, or null (no method, or a call-site ip inside one)} */
    private MethodRecord methodAt(long ip) {
        MethodRecord m = table.methodOfIp(ip);
        return m != null && m.ip() == ip ? m : null;
    }

    /**
     * {@return a regs-site target of {@code type} returning {@code r} whatever it is given} The
     * arrays the hook filled are then read only by the replacement's invoker, and escape analysis
     * removes them.
     */
    static MethodHandle directTarget(Redirect r, MethodType type) {
        return MethodHandles.dropArguments(MethodHandles.constant(Object.class, r), 0, type.parameterList());
    }

    /** Builds, outside the ops list's lock, the invokers {@code f} needs on {@code methods}; a misfit is left to the callback to report per call. */
    public void prepare(RedirectFunc f, Iterable<MethodRecord> methods) {
        for (MethodRecord m : methods) {
            try {
                find(m, f.ip());
            } catch (RuntimeException | LinkageError misfit) {
                // the callback reports it on each call, as setIp does
            }
        }
    }

    private Redirect build(MethodRecord traced, MethodRecord target) {
        if (traced.name.startsWith("<") || target.name.startsWith("<")) {
            throw new FtraceException(Errno.EINVAL, (traced.name.startsWith("<") ? traced : target)
                    + " is a constructor or initialiser: it cannot be redirected or be a replacement");
        }
        Method t = reflection.reflect(traced);
        Method x = reflection.reflect(target);
        boolean tracedStatic = Modifier.isStatic(t.getModifiers());
        boolean targetStatic = Modifier.isStatic(x.getModifiers());
        Class<?>[] tp = t.getParameterTypes();
        Class<?>[] xp = x.getParameterTypes();
        int offset;
        if (targetStatic) {
            offset = tracedStatic ? 0 : 1;
            if (!tracedStatic && (xp.length == 0 || !xp[0].isAssignableFrom(t.getDeclaringClass()))) {
                throw misfit(traced, target, "a static replacement of an instance method takes the receiver ("
                        + t.getDeclaringClass().getName() + ") as its first parameter");
            }
        } else {
            if (tracedStatic) {
                throw misfit(traced, target, "a static method needs a static replacement");
            }
            if (!x.getDeclaringClass().isAssignableFrom(t.getDeclaringClass())) {
                throw misfit(traced, target, "the receiver " + t.getDeclaringClass().getName() + " is not a "
                        + x.getDeclaringClass().getName());
            }
            offset = 0;
        }
        if (xp.length != tp.length + offset) {
            throw misfit(traced, target, "it takes " + (xp.length - offset) + " arguments, the traced method " + tp.length);
        }
        for (int i = 0; i < tp.length; i++) {
            if (!xp[i + offset].isAssignableFrom(tp[i])) {
                throw misfit(traced, target, "parameter " + i + " is " + xp[i + offset].getName() + ", not "
                        + tp[i].getName());
            }
        }
        Class<?> tr = t.getReturnType();
        Class<?> xr = x.getReturnType();
        if (tr.isPrimitive() || xr.isPrimitive() ? tr != xr : !tr.isAssignableFrom(xr)) {
            throw misfit(traced, target, "it returns " + xr.getName() + ", the traced method " + tr.getName());
        }
        MethodHandle mh;
        try {
            x.setAccessible(true);
            mh = MethodHandles.lookup().unreflect(x);
        } catch (RuntimeException | IllegalAccessException e) {
            throw new FtraceException(Errno.EINVAL, "replacement " + target + " is not accessible to jftrace: " + e);
        }
        boolean takesReceiver = !targetStatic || offset == 1;
        return new Redirect(traced, target, siteInvoker(traced, mh, tp, tr, takesReceiver));
    }

    /**
     * {@return {@code mh} (the replacement, taking the receiver first if {@code takesReceiver}) as the
     * traced method's redirect site calls it} Each argument is read from its slot in the hook's
     * arrays, a primitive from raw bits; a primitive result goes back as raw bits.
     */
    private static MethodHandle siteInvoker(MethodRecord traced, MethodHandle mh, Class<?>[] tp, Class<?> tr,
                                            boolean takesReceiver) {
        final int base = takesReceiver ? 1 : 0;
        MethodType exact = MethodType.methodType(mh.type().returnType(), tp);
        if (takesReceiver) {
            exact = exact.insertParameterTypes(0, Object.class);
        }
        MethodHandle h = mh.asType(exact.changeReturnType(tr));
        // Replace each parameter by its read from (long[] prims, Object[] refs), last first.
        for (int i = tp.length - 1; i >= 0; i--) {
            h = MethodHandles.collectArguments(h, base + i, slotReader(i, tp[i]));
        }
        // Now (receiver?, prims, refs, prims, refs, ...): fold every copy into the site's parameters (not the redirect).
        int[] reorder = new int[h.type().parameterCount()];
        if (takesReceiver) {
            reorder[0] = 2;
        }
        for (int i = 0; i < tp.length; i++) {
            reorder[base + 2 * i] = 0;
            reorder[base + 2 * i + 1] = 1;
        }
        MethodType site = siteType(traced);
        if (tr == float.class) {
            h = MethodHandles.filterReturnValue(h, BITS_OF_FLOAT);
        } else if (tr == double.class) {
            h = MethodHandles.filterReturnValue(h, BITS_OF_DOUBLE);
        } else if (tr.isPrimitive() && tr != void.class) {
            h = MethodHandles.explicitCastArguments(h, h.type().changeReturnType(long.class)); // i2l, boolean as 0/1
        }
        h = h.asType(h.type().changeReturnType(site.returnType()));
        return MethodHandles.permuteArguments(h, site, reorder);
    }

    /** {@return {@code (long[] prims, Object[] refs)type}: argument {@code i} read from its slot} */
    private static MethodHandle slotReader(int i, Class<?> type) {
        if (!type.isPrimitive()) {
            MethodHandle ref = MethodHandles.insertArguments(REF_SLOT, 1, i).asType(
                    MethodType.methodType(type, Object[].class));
            return MethodHandles.dropArguments(ref, 0, long[].class);
        }
        MethodHandle bits = MethodHandles.insertArguments(LONG_SLOT, 1, i); // (long[])long
        if (type == float.class) {
            bits = MethodHandles.filterReturnValue(bits, FLOAT_OF_BITS);
        } else if (type == double.class) {
            bits = MethodHandles.filterReturnValue(bits, DOUBLE_OF_BITS);
        } else if (type != long.class) {
            // l2i and the narrowing the hook does too; a boolean is the low bit
            bits = MethodHandles.explicitCastArguments(bits, MethodType.methodType(type, long[].class));
        }
        return MethodHandles.dropArguments(bits, 1, Object[].class);
    }

    private static FtraceException misfit(MethodRecord traced, MethodRecord target, String why) {
        return new FtraceException(Errno.EINVAL, target + " cannot replace " + traced + ": " + why);
    }
}
