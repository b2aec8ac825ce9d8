package org.jftrace.tracers.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import org.jftrace.Ftrace;
import org.jftrace.FtraceException;

/**
 * The clocks other than mono, per ring: the {@code counter} (a padded count of its own, one atomic
 * add per event) and the coarse {@code uptime}, which one daemon thread per JVM keeps as
 * {@code System.nanoTime()} every {@value #TICK_MICROS} us while some ring with that clock has
 * been created in the last minute or is used (a read just loads a volatile). Why a thread: the JVM
 * has no cheaper clock than {@code nanoTime} ({@code currentTimeMillis} is a vDSO call too).
 */
final class CoarseClock {
    /** The uptime clock's period. */
    static final long TICK_MICROS = 1000;
    /** The ticker stops after this long without a ring of that clock created or read. */
    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final VarHandle COUNT;
    private static final VarHandle USED;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(CoarseClock.class, "count", long.class);
            USED = MethodHandles.lookup().findStaticVarHandle(CoarseClock.class, "used", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The last tick of the uptime clock. */
    private static volatile long uptime = System.nanoTime();
    /** Set by readers of the uptime clock when it was cleared; the ticker clears it every tick. */
    @SuppressWarnings("unused") // through USED
    private static boolean used;
    private static volatile Thread ticker;

    // padding: the counter alone on its cache line (other fields of other objects, other counters)
    @SuppressWarnings("unused") private long p1, p2, p3, p4, p5, p6, p7;
    @SuppressWarnings("unused") // through COUNT
    private long count;
    @SuppressWarnings("unused") private long q1, q2, q3, q4, q5, q6, q7;

    private final TraceClock clock;

    CoarseClock(TraceClock clock) {
        this.clock = clock;
        if (clock == TraceClock.UPTIME) {
            startTicker();
        }
    }

    /** {@return the clock's reading (not called for mono, which the writer reads itself)} */
    long read() {
        if (clock == TraceClock.COUNTER) {
            return (long) COUNT.getAndAdd(this, 1L);
        }
        if (!(boolean) USED.getOpaque()) {
            USED.setOpaque(true); // written once per tick at most: the ticker sees that someone reads
            if (ticker == null) {
                startTicker(); // idle for a minute, it stopped: once, then ticks again
            }
        }
        return uptime;
    }

    private static synchronized void startTicker() {
        USED.setVolatile(true);
        if (ticker != null) {
            return;
        }
        uptime = System.nanoTime(); // fresh before the first read, not the reading of an old tick
        Thread t = new Thread(CoarseClock::tick, "jftrace-trace-clock");
        t.setDaemon(true);
        ticker = t;
        t.start();
    }

    /** Ticks until nobody created or read an uptime ring for {@link #IDLE_NANOS}. */
    private static void tick() {
        // the tracer's own thread: its JDK calls (LockSupport.parkNanos, a thousand a second) must not
        // show in a trace; held for the thread's life
        try {
            if (Ftrace.isInstalled()) {
                Ftrace.ftraceTestRecursionTrylock();
            }
        } catch (FtraceException e) {
            // no agent: nothing traces this thread
        }
        long idleSince = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            uptime = now;
            if ((boolean) USED.getOpaque()) {
                USED.setOpaque(false);
                idleSince = now;
            } else if (now - idleSince > IDLE_NANOS) {
                synchronized (CoarseClock.class) {
                    if (!(boolean) USED.getVolatile()) {
                        ticker = null;
                        return; // startTicker starts another when a ring needs it again
                    }
                }
            }
            LockSupport.parkNanos(TICK_MICROS * 1000);
        }
    }
}
