package org.jftrace.internal.hook;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.ConcurrentHashMap;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * IPMODIFY targets: checks that a replacement fits a traced method (checked when the ip is set,
 * never a VerifyError or ClassCastException later) and keeps one invoker per (traced, replacement).
 */
final class Redirects {
    private static final MethodType INVOKER = MethodType.methodType(Object.class, Object.class, Object[].class);

    /** A checked replacement, invoked with the traced call's receiver and arguments. */
    static final class Redirect extends org.jftrace.internal.boot.HookRedirect {
        final MethodRecord traced;
        final MethodRecord target;
        private final MethodHandle invoker;

        Redirect(MethodRecord traced, MethodRecord target, MethodHandle invoker) {
            this.traced = traced;
            this.target = target;
            this.invoker = invoker;
        }

        @Override
        public Object invoke(Object receiver, Object[] args) throws Throwable {
            return (Object) invoker.invokeExact(receiver, args);
        }

        /** The invoker in the redirect site's argument order: {@code (Object[] args, Object receiver)Object}. */
        MethodHandle siteInvoker() {
            return MethodHandles.permuteArguments(invoker, SITE_TYPE, 1, 0);
        }
    }

    /**
     * Type of a method's redirect call site, the invokedynamic a register-saving hook runs when a
     * callback redirected the call ({@code Hooks.redirect} for static-call sites). Its target is
     * an inline cache: a generic invoker that, on the first redirect it sees, relinks the site to
     * test for that redirect and call its invoker as a constant, so the JIT inlines the
     * replacement into the traced method. Another redirect later takes the generic path.
     */
    static final MethodType SITE_TYPE = MethodType.methodType(Object.class, Object[].class, Object.class);
    private static final MethodHandle GENERIC;
    private static final MethodHandle IS_REDIRECT;
    /** Fresh boxes for the replacement's result (see HookInstrumenter.loadBoxed), by primitive type; null if absent. */
    private static final java.util.Map<Class<?>, MethodHandle> FRESH_BOX = new java.util.HashMap<>();

    static {
        MethodHandles.Lookup l = MethodHandles.lookup();
        try {
            GENERIC = l.findStatic(Redirects.class, "learnAndInvoke",
                    MethodType.methodType(Object.class, MethodRecord.class, Object[].class, Object.class));
            IS_REDIRECT = l.findStatic(Redirects.class, "isRedirect",
                    MethodType.methodType(boolean.class, Object.class, Object[].class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Class<?>[][] boxes = {{int.class, Integer.class}, {long.class, Long.class}, {short.class, Short.class},
            {char.class, Character.class}};
        for (Class<?>[] b : boxes) {
            try {
                FRESH_BOX.put(b[0], l.findConstructor(b[1], MethodType.methodType(void.class, b[0])));
            } catch (ReflectiveOperationException e) {
                // removed in this JDK: asType's valueOf boxes instead
            }
        }
    }

    /** {@return method {@code m}'s redirect site target before it learned a redirect} */
    static MethodHandle generic(MethodRecord m) {
        return MethodHandles.insertArguments(GENERIC, 0, m);
    }

    private static boolean isRedirect(Object expected, Object[] args, Object receiver) {
        return args[args.length - 1] == expected;
    }

    private static Object learnAndInvoke(MethodRecord m, Object[] args, Object receiver) throws Throwable {
        org.jftrace.internal.boot.HookRedirect r = (org.jftrace.internal.boot.HookRedirect) args[args.length - 1];
        if (m.cachedRedirect == null && r instanceof Redirect) {
            learn(m, (Redirect) r);
        }
        return r.invoke(receiver, args);
    }

    private static void learn(MethodRecord m, Redirect r) {
        synchronized (m) {
            java.lang.invoke.MutableCallSite site = m.redirectSite;
            if (m.cachedRedirect != null || site == null) {
                return;
            }
            m.cachedRedirect = r;
            site.setTarget(MethodHandles.guardWithTest(MethodHandles.insertArguments(IS_REDIRECT, 0, r),
                    r.siteInvoker(), generic(m)));
        }
    }

    /** Forgets what method {@code m}'s redirect site learned (its ops changed). Under the registry lock. */
    static void unlearn(MethodRecord m) {
        synchronized (m) {
            if (m.cachedRedirect != null) {
                m.cachedRedirect = null;
                m.redirectSite.setTarget(generic(m));
            }
        }
    }

    private final Registry registry;
    private final ConcurrentHashMap<Long, Redirect> cache = new ConcurrentHashMap<>();

    Redirects(Registry registry) {
        this.registry = registry;
    }

    /** {@return the invoker of {@code ip} standing in for {@code traced}} @throws FtraceException EINVAL if it does not fit */
    Redirect find(MethodRecord traced, long ip) {
        MethodRecord target = registry.method(ip);
        if (target == null || target.ip() != ip) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no method; "
                    + "get it from Ftrace.lookupIp");
        }
        Long key = ((long) traced.index << 32) | target.index;
        Redirect r = cache.get(key);
        if (r == null) {
            r = build(traced, target);
            cache.put(key, r);
        }
        return r;
    }

    /** Checks a replacement without building its invoker; throws EINVAL with the reason. */
    void check(MethodRecord traced, MethodRecord target) {
        find(traced, target.ip());
    }

    private Redirect build(MethodRecord traced, MethodRecord target) {
        if (traced.name.startsWith("<") || target.name.startsWith("<")) {
            throw new FtraceException(Errno.EINVAL, (traced.name.startsWith("<") ? traced : target)
                    + " is a constructor or initialiser: it cannot be redirected or be a replacement");
        }
        Method t = registry.reflect(traced);
        Method x = registry.reflect(target);
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
        int n = tp.length;
        MethodHandle box = FRESH_BOX.get(tr);
        if (box != null) {
            mh = MethodHandles.filterReturnValue(mh.asType(mh.type().changeReturnType(tr)), box);
        }
        MethodHandle generic = mh.asType(mh.type().generic().changeReturnType(xr == void.class ? void.class : Object.class));
        if (xr == void.class) {
            generic = MethodHandles.filterReturnValue(generic, MethodHandles.constant(Object.class, null));
        }
        // The hook's array has one slot more than the parameters: the redirect itself, not passed on.
        generic = MethodHandles.dropArguments(generic, generic.type().parameterCount(), Object.class);
        n++;
        MethodHandle invoker;
        if (takesReceiver) {
            invoker = generic.asSpreader(1, Object[].class, n);
        } else {
            invoker = MethodHandles.dropArguments(generic.asSpreader(Object[].class, n), 0, Object.class);
        }
        return new Redirect(traced, target, invoker.asType(INVOKER));
    }

    private static FtraceException misfit(MethodRecord traced, MethodRecord target, String why) {
        return new FtraceException(Errno.EINVAL, target + " cannot replace " + traced + ": " + why);
    }

    /** {@return the box class of {@code primitive}} A plain chain of compares: setArg calls it on every call. */
    static Class<?> box(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == char.class) {
            return Character.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        } else if (primitive == short.class) {
            return Short.class;
        }
        return Void.class;
    }
}
