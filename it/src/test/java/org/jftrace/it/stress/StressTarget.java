package org.jftrace.it.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * Target of {@link RegisterUnregisterStressTest}: {@code WORKERS} threads call the hooked methods of
 * {@link StressWork} in a loop while the main thread registers and unregisters one ops
 * {@code cycles} times (args: {@code safe|guarded [cycles]}, 1,000 cycles if not given).
 *
 * <p>The main thread publishes {@link #epoch}: it is made odd right after register returned and even
 * right before unregister is called. A worker reads it before and after each call; when both reads
 * are the same odd value, the call started after register returned and ended before unregister
 * began, so the callback must have run exactly once for it: {@code missed} counts the calls without
 * it, {@code dup} those with two or more. No call may see the callback twice in any case.
 * {@link #closed} is set right after unregister returned and cleared right before the next register:
 * a callback that sees it set, on entry or on exit, ran after unregister returned, which must never
 * happen ({@code late}).
 */
public final class StressTarget {
    static final int WORKERS = 8;
    static final int BURST_MASK = Integer.getInteger("stress.burst", 255);
    static final long PAUSE_NANOS = Long.getLong("stress.pause", 200_000L);

    static volatile long epoch;
    static volatile boolean closed = true;
    static volatile boolean stop;
    static final AtomicLong LATE = new AtomicLong();
    static final AtomicLong FOREIGN = new AtomicLong();

    private StressTarget() {
    }

    /** A worker: {@link #seen} is written by the callback, on this thread, during this thread's call. */
    static final class Worker extends Thread {
        int seen;
        long calls;
        long windows;
        long windowsOk;
        long missed;
        long dup;
        long sink;
        Throwable error;

        Worker(int i) {
            super("stress-worker-" + i);
        }

        @Override
        public void run() {
            try {
                StressWork w = new StressWork(1);
                int i = 0;
                while (!stop) {
                    seen = 0;
                    long e1 = epoch;
                    switch (i % 4) {
                        case 0:
                            sink += StressWork.twice(i);
                            break;
                        case 1:
                            sink += w.add(i);
                            break;
                        case 2:
                            sink += new StressWork(i).value;
                            break;
                        default:
                            sink += StressWork.untraced(i);
                    }
                    long e2 = epoch;
                    int s = seen;
                    boolean traced = i % 4 != 3;
                    i++;
                    calls++;
                    if ((i & BURST_MASK) == 0) {
                        // 8 spinning workers on a small machine would starve the registering thread
                        // and hold up every safepoint: breathe between bursts
                        LockSupport.parkNanos(PAUSE_NANOS);
                    }
                    if (!traced) {
                        if (s != 0) {
                            dup++; // a callback for a method that is not hooked
                        }
                        continue;
                    }
                    if (s > 1) {
                        dup++;
                    }
                    if (e1 == e2 && (e1 & 1) == 1) {
                        windows++;
                        if (s == 1) {
                            windowsOk++;
                        } else if (s == 0) {
                            missed++;
                        }
                    }
                }
            } catch (Throwable t) {
                error = t;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        boolean safe = args[0].equals("safe");
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (closed) {
                LATE.incrementAndGet();
            }
            Thread t = Thread.currentThread();
            if (t instanceof Worker) {
                ((Worker) t).seen++;
            } else {
                FOREIGN.incrementAndGet();
            }
            if (closed) {
                LATE.incrementAndGet();
            }
        }).withName("stress-" + args[0]);
        if (safe) {
            ops = ops.withFlags(FtraceOps.Flag.RECURSION_SAFE);
        }
        new StressWork(0).add(StressWork.twice(StressWork.untraced(1)));
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.stress.StressWork.<init>", false);
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.stress.StressWork.twice", false);
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.stress.StressWork.add", false);

        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Worker w = new Worker(i);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        SplittableRandom rnd = new SplittableRandom(42);
        Throwable registrarError = null;
        int done = 0;
        int enabledWhile = -1;
        long t0 = System.nanoTime();
        long registerNanos = 0;
        long unregisterNanos = 0;
        try {
            for (; done < cycles; done++) {
                closed = false;
                long a = System.nanoTime();
                Ftrace.registerFtraceFunction(ops);
                long b = System.nanoTime();
                epoch++; // odd: registered, register returned
                if (done == 0) {
                    enabledWhile = Ftrace.enabledFunctions().size();
                }
                LockSupport.parkNanos(rnd.nextInt(500_000)); // let the workers run with the hooks on
                epoch++; // even: unregister begins
                long c = System.nanoTime();
                Ftrace.unregisterFtraceFunction(ops);
                long d = System.nanoTime();
                closed = true;
                registerNanos += b - a;
                unregisterNanos += d - c;
                LockSupport.parkNanos(rnd.nextInt(100_000)); // a late callback shows up here
            }
        } catch (Throwable t) {
            registrarError = t;
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        // A last look with everything off: no callback may come any more.
        LockSupport.parkNanos(50_000_000L);
        stop = true;
        for (Worker w : workers) {
            w.join(30_000);
        }
        long calls = 0;
        long windows = 0;
        long windowsOk = 0;
        long missed = 0;
        long dup = 0;
        int workerErrors = 0;
        for (Worker w : workers) {
            calls += w.calls;
            windows += w.windows;
            windowsOk += w.windowsOk;
            missed += w.missed;
            dup += w.dup;
            if (w.error != null || w.isAlive()) {
                workerErrors++;
                System.out.println("WORKER-ERROR " + w.getName() + " alive=" + w.isAlive() + " " + w.error);
                if (w.error != null) {
                    w.error.printStackTrace(System.out);
                }
            }
        }
        if (registrarError != null) {
            System.out.println("REGISTRAR-ERROR " + registrarError);
            registrarError.printStackTrace(System.out);
        }
        System.out.println("RESULT variant=" + args[0] + " cycles=" + done + " calls=" + calls + " windows=" + windows
                + " windowsOk=" + windowsOk + " missed=" + missed + " dup=" + dup + " late=" + LATE.get()
                + " foreign=" + FOREIGN.get() + " workerErrors=" + workerErrors
                + " registrarError=" + (registrarError != null) + " callbackErrors=" + Ftrace.callbackErrors(ops)
                + " enabledWhile=" + enabledWhile + " enabledAfter=" + Ftrace.enabledFunctions().size()
                + " registered=" + Ftrace.isRegistered(ops));
        System.out.println("TIMING elapsedMs=" + elapsedMs + " avgRegisterUs=" + registerNanos / 1000 / Math.max(1, done)
                + " avgUnregisterUs=" + unregisterNanos / 1000 / Math.max(1, done));
    }
}
