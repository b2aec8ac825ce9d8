package org.jftrace.tracers.trigger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A trigger's count per function, as the kernel's {@code ftrace_func_mapper} keeps one per ip: a
 * fixed open-addressing table of ips, each with its own count starting at the trigger's. A
 * function takes its slot (compare-and-set of the ip) the first time it fires; lookups allocate
 * nothing and take no lock. When the table is full, further functions share one overflow count
 * (the table holds 1,024 functions per trigger: a glob matching more is a rare case).
 */
final class IpCounts {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] ips;
    /** counts[i] for ips[i]; counts[capacity] is the shared overflow count. */
    private final long[] counts;
    private final int mask;

    /** @param capacity functions with a count of their own, rounded up to a power of two */
    IpCounts(int capacity, long initial) {
        int n = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.ips = new long[n];
        this.counts = new long[n + 1];
        java.util.Arrays.fill(counts, initial);
        this.mask = n - 1;
    }

    /** {@return the index of {@code ip}'s count (taking a slot on its first call)} {@code ip} is never 0. */
    int slot(long ip) {
        final long[] k = ips;
        int i = (int) ((ip * GOLDEN) >>> 40) & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            long cur = (long) LONGS.getAcquire(k, i);
            if (cur == ip) {
                return i;
            }
            if (cur == 0) {
                if (LONGS.compareAndSet(k, i, 0L, ip)) {
                    return i;
                }
                if ((long) LONGS.getAcquire(k, i) == ip) {
                    return i; // another thread took it for the same ip
                }
            }
        }
        return mask + 1;
    }

    long get(int slot) {
        return (long) LONGS.getVolatile(counts, slot);
    }

    void set(int slot, long v) {
        LONGS.setVolatile(counts, slot, v);
    }

    boolean compareAndSet(int slot, long expect, long v) {
        return LONGS.compareAndSet(counts, slot, expect, v);
    }

    /** {@return the count of {@code ip}, or the initial count if it never fired} */
    long countOf(long ip) {
        final long[] k = ips;
        int i = (int) ((ip * GOLDEN) >>> 40) & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            long cur = (long) LONGS.getAcquire(k, i);
            if (cur == ip || cur == 0) {
                return get(i);
            }
        }
        return get(mask + 1);
    }

    /** Calls {@code each} with every function that took a slot and its count now. */
    void forEach(java.util.function.BiConsumer<Long, Long> each) {
        for (int i = 0; i <= mask; i++) {
            long ip = (long) LONGS.getAcquire(ips, i);
            if (ip != 0) {
                each.accept(ip, get(i));
            }
        }
    }
}
