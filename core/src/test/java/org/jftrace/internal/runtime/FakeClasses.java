package org.jftrace.internal.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jftrace.internal.functions.ClassDiscovery;
import org.jftrace.internal.functions.LoadedClasses;

/**
 * Loaded classes for a core without an agent: a fixed list, and a retransformation that runs the
 * core's own transform on each class file, as the JVM would, and records what it returned.
 */
final class FakeClasses implements LoadedClasses {
    final List<Class<?>> loaded = Collections.synchronizedList(new ArrayList<>());
    /** Each retransformed class and whether the transform hooked it (non-null bytes). */
    final List<String> retransformed = Collections.synchronizedList(new ArrayList<>());
    CoreBackend core;
    /** The bytes each class was last retransformed to (empty: its original bytes), by simple name. */
    final java.util.Map<String, byte[]> lastOut = new java.util.concurrent.ConcurrentHashMap<>();
    /** Classes defined from bytes (no class file to read), with the bytes the JVM would hand over. */
    final java.util.Map<Class<?>, byte[]> definedFromBytes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Simple names of classes the "JVM" refuses when their transform hooked them: the whole call fails, as RetransformClasses does. */
    final java.util.Set<String> refusing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Calls that failed, each as the simple names it held. */
    final List<String> failedCalls = Collections.synchronizedList(new ArrayList<>());
    /** When set, a retransformation waits for it: a change then holds the lock as long as a test wants. */
    volatile CountDownLatch hold;
    /** Counted down when a retransformation starts waiting on {@link #hold}. */
    volatile CountDownLatch holding;

    FakeClasses(Class<?>... classes) {
        Collections.addAll(loaded, classes);
    }

    @Override
    public Class<?>[] all() {
        return loaded.toArray(new Class<?>[0]);
    }

    @Override
    public boolean isModifiable(Class<?> k) {
        return true;
    }

    @Override
    public void retransform(Class<?>... classes) throws Throwable {
        CountDownLatch h = hold;
        if (h != null) {
            holding.countDown();
            h.await();
        }
        List<String> names = new ArrayList<>();
        List<byte[]> outs = new ArrayList<>();
        boolean refused = false;
        for (Class<?> k : classes) {
            byte[] out = load(k, true); // every transform runs first, as in the JVM's prologue
            names.add(k.getSimpleName());
            outs.add(out);
            refused |= out != null && refusing.contains(k.getSimpleName());
        }
        if (refused) {
            failedCalls.add(String.join(",", names));
            throw new VerifyError("refused: " + names);
        }
        for (int i = 0; i < names.size(); i++) {
            retransformed.add(names.get(i) + (outs.get(i) == null ? "" : "+hooks"));
            lastOut.put(names.get(i), outs.get(i) == null ? new byte[0] : outs.get(i));
        }
    }

    /** Runs the transform on {@code k}'s class file, as a first load or a retransformation. */
    byte[] load(Class<?> k, boolean redefine) {
        byte[] bytes = ClassDiscovery.readClassFile(k);
        if (bytes == null) {
            bytes = definedFromBytes.get(k); // the JVM hands over the current class file
        }
        return core.transform(k.getModule(), k.getClassLoader(), k.getName().replace('.', '/'), redefine ? k : null,
                k.getProtectionDomain(), bytes);
    }

    /** {@return what was retransformed since the last call, and forgets it} */
    List<String> drain() {
        synchronized (retransformed) {
            List<String> out = new ArrayList<>(retransformed);
            retransformed.clear();
            return out;
        }
    }
}
