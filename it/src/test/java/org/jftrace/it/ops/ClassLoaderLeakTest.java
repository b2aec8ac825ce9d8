package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.RedirectFunc;
import org.junit.jupiter.api.Test;

/** SPEC 3.12: no class loader is kept alive after its ops are gone (hooked classes of a dropped loader can unload). */
class ClassLoaderLeakTest {

    static final String TARGET = "org.jftrace.it.ops.LoaderLeakTarget";

    /**
     * Loads LoaderLeakTarget in a fresh loader, hooks it, checks the hook works, unregisters, and
     * drops everything; returns only a weak reference to the loader. A separate method so that no
     * stack slot of the test keeps anything alive.
     */
    private static WeakReference<ClassLoader> hookAndDropThrowawayLoader(boolean privateDataFromLoader) throws Exception {
        URL dir = ClassLoaderLeakTest.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir}, ClassLoader.getPlatformClassLoader());
        Class<?> k = Class.forName(TARGET, true, loader);
        assertNotSame(ClassLoaderLeakTest.class.getClassLoader(), k.getClassLoader());
        IntSupplier target = (IntSupplier) k.getDeclaredConstructor().newInstance();

        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet());
        if (privateDataFromLoader) {
            ops = ops.withPrivate(target); // the ops' private data is an object of the loader (the kernel's ops->private)
        }
        Ftrace.ftraceSetFilter(ops, TARGET + ".getAsInt", false);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(5, target.getAsInt());
            assertEquals(1, calls.get(), "the class of the throwaway loader is hooked");
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
        loader.close();
        return new WeakReference<>(loader);
    }

    /**
     * Like {@link #hookAndDropThrowawayLoader}, with the two flags that resolve the loader's classes:
     * a SAVE_REGS callback that rewrites a reference argument (its parameter type is checked) and
     * an IPMODIFY redirect to a replacement in the same loader (its invoker holds the replacement).
     */
    private static WeakReference<ClassLoader> rewriteRedirectAndDrop() throws Exception {
        URL dir = ClassLoaderLeakTest.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir}, ClassLoader.getPlatformClassLoader());
        Class<?> k = Class.forName(TARGET, true, loader);
        Object target = k.getDeclaredConstructor().newInstance();
        java.lang.reflect.Method same = k.getMethod("same", k);

        FtraceOps rewrite = FtraceOps.of((ip, parentIp, op, regs) -> regs.setArg(0, regs.receiver()))
                .withFlags(FtraceOps.Flag.SAVE_REGS);
        Ftrace.ftraceSetFilter(rewrite, TARGET + ".same", false);
        long seven = Ftrace.lookupIp(TARGET + ".seven");
        FtraceOps redirect = FtraceOps.of(RedirectFunc.to(seven))
                .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
        Ftrace.ftraceSetFilter(redirect, TARGET + ".getAsInt", false);
        Ftrace.registerFtraceFunction(rewrite);
        Ftrace.registerFtraceFunction(redirect);
        try {
            Object other = k.getDeclaredConstructor().newInstance();
            assertEquals(1, same.invoke(target, other), "setArg put the receiver in place of the argument");
            assertEquals(7, ((IntSupplier) target).getAsInt(), "the call was redirected to seven");
            assertEquals(0L, Ftrace.callbackErrors(rewrite));
        } finally {
            Ftrace.unregisterFtraceFunction(redirect);
            Ftrace.unregisterFtraceFunction(rewrite);
        }
        assertEquals(5, ((IntSupplier) target).getAsInt(), "the original body runs after unregister");
        loader.close();
        return new WeakReference<>(loader);
    }

    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ref.get() == null;
    }

    @Test
    // a loader whose class was hooked is collectable once the ops is unregistered and dropped
    void hookedClassLoaderIsCollectedAfterUnregister() throws Exception {
        WeakReference<ClassLoader> ref = hookAndDropThrowawayLoader(false);
        assertTrue(collected(ref), "jftrace keeps the class loader of a once-hooked class alive");
    }

    @Test
    // a loader referenced by an unregistered, dropped ops' private data is collectable too
    void loaderReferencedByDroppedOpsIsCollected() throws Exception {
        WeakReference<ClassLoader> ref = hookAndDropThrowawayLoader(true);
        assertTrue(collected(ref), "jftrace keeps a dropped ops (and what its private data references) alive");
    }

    @Test
    // SAVE_REGS setArg on a reference parameter and an IPMODIFY redirect resolve the loader's classes;
    // neither may keep them once the ops are gone
    void loaderOfRewrittenAndRedirectedClassesIsCollected() throws Exception {
        WeakReference<ClassLoader> ref = rewriteRedirectAndDrop();
        assertTrue(collected(ref), "jftrace keeps the loader of a class whose argument it rewrote or that it redirected");
    }
}
