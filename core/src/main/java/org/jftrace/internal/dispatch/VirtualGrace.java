package org.jftrace.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The grace period of unregister for virtual threads (the kernel's SRCU): {@link Quiescence} finds
 * platform threads inside a callback from their stacks, but no safe API shows a virtual thread's
 * frames (a carrier's stack hides the mounted one's, {@code Thread.getAllStackTraces} lists no
 * unmounted one, and taking their stacks one by one crashed JDK 25 while classes were redefined).
 * So a virtual thread counts itself in: {@link #enter} before it reads {@link LiveOps#live},
 * {@link #exit} after the callback returned, on striped counters of the current epoch's parity.
 *
 * <p>Why it is enough: the increment is a volatile read-modify-write and {@code live} a volatile
 * read; unregister writes {@code live = false} (volatile), then {@link #await} reads the counters
 * (volatile). So either await sees a reader's count, and waits for it, or the reader sees
 * {@code live == false} and skips the callback. The epoch is only for progress: readers that come
 * after the flip count on the other parity, so a busy program cannot keep await's parity above 0.
 * Each stripe is waited for on its own: a reader keeps its stripe and parity from enter to exit.
 *
 * <p>Cost: platform threads pay one class compare of the current thread (a trained branch, no
 * call); virtual threads two atomic adds per callback. A virtual thread that unregisters from inside
 * a callback does not wait for itself: it counts its own open sections on its own stack.
 */
public final class VirtualGrace {
    /** {@code java.lang.VirtualThread} on JDK 21+, else null: then {@link #enter} folds to -1. */
    static final Class<?> VIRTUAL = ThreadGuard.virtualThreadClass();

    private static final int STRIPE_BITS = 6;
    private static final int STRIPES = 1 << STRIPE_BITS;
    /** 16 longs (128 bytes) per counter: two stripes never share a cache line (nor its neighbour). */
    private static final int PAD_SHIFT = 4;
    private static final int INDEX_MASK = (2 * STRIPES << PAD_SHIFT) - 1;
    /** Per parity (high bit) and stripe: how many virtual threads are inside a section now. */
    private static final long[] COUNTS = new long[2 * STRIPES << PAD_SHIFT];
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Its low bit is the parity new readers count on; {@link #await} flips it. */
    private static volatile int epoch;
    private static final VarHandle EPOCH;

    static {
        try {
            EPOCH = MethodHandles.lookup().findStaticVarHandle(VirtualGrace.class, "epoch", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private VirtualGrace() {
    }

    /**
     * Opens a section on a virtual thread. {@return the counter to give to {@link #exit}, or -1 on a
     * platform thread} Call-free once compiled (intrinsics only), so it is inlined into every hook.
     */
    static int enter() {
        if (VIRTUAL == null) {
            return -1;
        }
        final Thread t = Thread.currentThread();
        if (t.getClass() != VIRTUAL) {
            return -1;
        }
        final int i = ((epoch & 1) << STRIPE_BITS | ThreadGuard.home(t) & (STRIPES - 1)) << PAD_SHIFT;
        COUNT.getAndAdd(COUNTS, i & INDEX_MASK, 1L);
        return i;
    }

    /** Closes the section {@link #enter} opened ({@code i} >= 0). */
    static void exit(int i) {
        if (i >= 0) {
            COUNT.getAndAdd(COUNTS, i & INDEX_MASK, -1L);
        }
    }

    /**
     * Waits until every virtual thread that was inside a section when this was called has left it
     * (the caller's own open sections excepted). Call after {@code live = false}.
     */
    public static void await() {
        if (VIRTUAL == null) {
            return;
        }
        final Thread self = Thread.currentThread();
        final int own = self.getClass() == VIRTUAL ? ownSections() : 0;
        final int ownStripe = own > 0 ? ThreadGuard.home(self) & (STRIPES - 1) : -1;
        VarHandle.fullFence(); // live = false before any counter read (it is volatile: belt and braces)
        final int active = epoch & 1;
        drain(active ^ 1, ownStripe, own); // late readers of an older epoch
        EPOCH.getAndAdd(1);
        drain(active, ownStripe, own);
    }

    /**
     * Waits until each stripe of {@code parity} has been seen at 0. The caller's own stripe: until
     * both parities together hold only its own {@code own} sections (which may be on either parity:
     * stricter than needed, and sound).
     */
    private static void drain(int parity, int ownStripe, int own) {
        for (int s = 0; s < STRIPES; s++) {
            long sleepNanos = 10_000L;
            while (s == ownStripe ? count(0, s) + count(1, s) > own : count(parity, s) != 0) {
                LockSupport.parkNanos(sleepNanos);
                sleepNanos = Math.min(sleepNanos * 2, 10_000_000L);
            }
        }
    }

    private static long count(int parity, int stripe) {
        return (long) COUNT.getVolatile(COUNTS, (parity << STRIPE_BITS | stripe) << PAD_SHIFT);
    }

    /** {@return how many sections the calling thread has open: its frames of the dispatch methods that open one} */
    private static int ownSections() {
        return StackWalker.getInstance().walk(frames -> (int) frames
                .filter(f -> f.getClassName().equals(Dispatch.class.getName()) && Dispatch.opensSection(f.getMethodName()))
                .count());
    }

    /** {@return the total count of open sections} For tests. */
    static long openSections() {
        long n = 0;
        for (int p = 0; p < 2; p++) {
            for (int s = 0; s < STRIPES; s++) {
                n += count(p, s);
            }
        }
        return n;
    }
}
