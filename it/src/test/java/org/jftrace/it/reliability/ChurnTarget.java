package org.jftrace.it.reliability;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.it.install.CaptureAgent;

/**
 * Target of {@link ChurnTest}: {@code platform|virtual SECONDS}. {@value #WORKERS} worker threads
 * (platform or virtual) call the methods of {@link ChurnWork} in a loop while {@value #SLOTS}
 * churner threads, each owning one slot, register, unregister and change the filter and notrace
 * list of their ops for SECONDS seconds. Slots 0 to 3 keep one ops each (default flags,
 * RECURSION_SAFE, SAVE_REGS, SAVE_REGS + RECURSION_SAFE); slot 4 registers a new ops each time.
 *
 * <p>Each slot publishes, seqlock-style, a version ({@code ver}, odd while a change is under way)
 * and the set of methods its ops must see ({@code mask}: filter minus notrace while registered,
 * nothing otherwise). A worker reads both before a call and the version after: when the version is
 * the same even value, no change overlapped the call, and the slot's callback must have run exactly
 * once if the method is in the mask ({@code missed} otherwise) and never if not ({@code extra}).
 * {@code closed} is set right after unregister returned and cleared right before register: a
 * callback that sees it, on entry or exit, ran after unregister returned ({@code late}).
 *
 * <p>At the end every ops is unregistered; nothing may be hooked ({@code enabledAfter}), and
 * ChurnWork's class file, read back through a retransformation by the {@link CaptureAgent} loaded
 * after jftrace, must be the bytes it had before any hook ({@code originalBytes}).
 */
public final class ChurnTarget {
    static final int WORKERS = 8;
    static final int SLOTS = 5;
    static final int METHODS = 5;
    static final String WORK = ChurnWork.class.getName() + ".m";

    static final AtomicLongArray VER = new AtomicLongArray(SLOTS);
    static final AtomicIntegerArray MASK = new AtomicIntegerArray(SLOTS);
    static final AtomicIntegerArray CLOSED = new AtomicIntegerArray(SLOTS);
    static final AtomicLong LATE = new AtomicLong();
    static final AtomicLong FOREIGN = new AtomicLong();
    static final AtomicLong ARG_MISMATCH = new AtomicLong();
    static final ThreadLocal<WorkerState> STATE = new ThreadLocal<>();
    static volatile boolean stopWorkers;
    static volatile boolean stopChurn;

    private ChurnTarget() {
    }

    /** One worker's counters; {@link #seen} is written by callbacks on the worker's own thread. */
    static final class WorkerState {
        final int[] seen = new int[SLOTS];
        int arg;
        long calls;
        long windows;
        long missed;
        long extra;
        long dup;
        Throwable error;
    }

    static FtraceOps newOps(int slot) {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (CLOSED.get(slot) != 0) {
                LATE.incrementAndGet();
            }
            WorkerState w = STATE.get();
            if (w == null) {
                FOREIGN.incrementAndGet();
            } else {
                w.seen[slot]++;
                if (regs != null && regs.intArg(0) != w.arg) {
                    ARG_MISMATCH.incrementAndGet();
                }
            }
            if (CLOSED.get(slot) != 0) {
                LATE.incrementAndGet();
            }
        }).withName("churn-" + slot);
        switch (slot) {
            case 1:
                return ops.withFlags(FtraceOps.Flag.RECURSION_SAFE);
            case 2:
                return ops.withFlags(FtraceOps.Flag.SAVE_REGS);
            case 3:
                return ops.withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE);
            default:
                return ops;
        }
    }

    static void work(WorkerState w) {
        STATE.set(w);
        try {
            ChurnWork obj = new ChurnWork(1);
            long[] v1 = new long[SLOTS];
            int[] m = new int[SLOTS];
            long sink = 0;
            int i = 0;
            while (!stopWorkers) {
                int k = i % METHODS;
                for (int s = 0; s < SLOTS; s++) {
                    v1[s] = VER.get(s);
                    m[s] = MASK.get(s);
                    w.seen[s] = 0;
                }
                w.arg = i;
                switch (k) {
                    case 0:
                        sink += ChurnWork.m0(i);
                        break;
                    case 1:
                        sink += obj.m1(i);
                        break;
                    case 2:
                        sink += ChurnWork.m2(i);
                        break;
                    case 3:
                        sink += ChurnWork.m3(i);
                        break;
                    default:
                        sink += ChurnWork.m4(i);
                }
                for (int s = 0; s < SLOTS; s++) {
                    int seen = w.seen[s];
                    if (seen > 1) {
                        w.dup++;
                    }
                    long v2 = VER.get(s);
                    if (v1[s] == v2 && (v2 & 1) == 0) {
                        w.windows++;
                        boolean expected = (m[s] >> k & 1) != 0;
                        if (expected && seen == 0) {
                            w.missed++;
                        } else if (!expected && seen != 0) {
                            w.extra++;
                        }
                    }
                }
                w.calls++;
                i++;
                if ((i & 255) == 0) {
                    LockSupport.parkNanos(200_000L); // 8 busy workers on 2 CPUs would starve the churners
                }
            }
            if (sink == 42) {
                System.out.print("");
            }
        } catch (Throwable t) {
            w.error = t;
        }
    }

    /** One churner: owns slot {@code s}; {@return how many changes it made} */
    static final class Churner extends Thread {
        final int slot;
        final SplittableRandom rnd;
        FtraceOps ops;
        int filter = 1; // method 0 always, so the filter never becomes empty (every method)
        int notrace;
        boolean registered;
        long registers;
        long unregisters;
        long filterChanges;
        long notraceChanges;
        long opsCreated;
        Throwable error;

        Churner(int slot) {
            super("churner-" + slot);
            this.slot = slot;
            this.rnd = new SplittableRandom(1000 + slot);
            CLOSED.set(slot, 1);
        }

        private void begin() {
            VER.incrementAndGet(slot); // odd: a change is under way
        }

        private void end() {
            MASK.set(slot, registered ? filter & ~notrace : 0);
            VER.incrementAndGet(slot); // even: stable
        }

        private void newOpsIfNeeded() {
            if (ops == null || slot == 4) {
                ops = newOps(slot);
                opsCreated++;
                for (int k = 0; k < METHODS - 1; k++) {
                    if ((filter >> k & 1) != 0) {
                        Ftrace.ftraceSetFilter(ops, WORK + k, false);
                    }
                    if ((notrace >> k & 1) != 0) {
                        Ftrace.ftraceSetNotrace(ops, WORK + k, false);
                    }
                }
            }
        }

        @Override
        public void run() {
            try {
                newOpsIfNeeded();
                while (!stopChurn) {
                    int action = rnd.nextInt(registered ? 10 : 4);
                    int k = 1 + rnd.nextInt(3);
                    begin();
                    try {
                        if (action == 0) {
                            // (slot 4: a new ops for each registration)
                            if (registered) {
                                Ftrace.unregisterFtraceFunction(ops);
                                registered = false;
                                CLOSED.set(slot, 1);
                                unregisters++;
                            } else {
                                newOpsIfNeeded();
                                CLOSED.set(slot, 0);
                                Ftrace.registerFtraceFunction(ops);
                                registered = true;
                                registers++;
                            }
                        } else if (action % 3 == 1) {
                            if ((filter >> k & 1) != 0) {
                                Ftrace.ftraceSetFilter(ops, "!" + WORK + k, false);
                                filter &= ~(1 << k);
                            } else {
                                Ftrace.ftraceSetFilter(ops, WORK + k, false);
                                filter |= 1 << k;
                            }
                            filterChanges++;
                        } else if (action % 3 == 2) {
                            if ((notrace >> k & 1) != 0) {
                                Ftrace.ftraceSetNotrace(ops, "!" + WORK + k, false);
                                notrace &= ~(1 << k);
                            } else {
                                Ftrace.ftraceSetNotrace(ops, WORK + k, false);
                                notrace |= 1 << k;
                            }
                            notraceChanges++;
                        } else if (action == 3 || action == 9) {
                            // reset both lists at once: the filter to method 0 alone, no notrace
                            Ftrace.ftraceSetFilter(ops, WORK + 0, true);
                            Ftrace.ftraceSetNotrace(ops, null, true);
                            filter = 1;
                            notrace = 0;
                            filterChanges++;
                            notraceChanges++;
                        } else {
                            Ftrace.ftraceSetFilter(ops, WORK + k + "*", false); // a glob, same method
                            filter |= 1 << k;
                            filterChanges++;
                        }
                    } finally {
                        end();
                    }
                    LockSupport.parkNanos(rnd.nextInt(400_000));
                }
                if (registered) {
                    begin();
                    Ftrace.unregisterFtraceFunction(ops);
                    registered = false;
                    CLOSED.set(slot, 1);
                    unregisters++;
                    end();
                }
            } catch (Throwable t) {
                error = t;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = args[0].equals("virtual");
        int seconds = Integer.parseInt(args[1]);
        String internal = ChurnWork.class.getName().replace('.', '/');
        ChurnWork.m0(ChurnWork.m2(ChurnWork.m3(ChurnWork.m4(new ChurnWork(0).m1(1)))));
        // ChurnWork's bytes before any hook (the second hook-free retransformation: see CaptureTarget)
        CaptureAgent.watched = internal;
        CaptureAgent.inst.retransformClasses(ChurnWork.class);
        CaptureAgent.inst.retransformClasses(ChurnWork.class);
        byte[] baseline = CaptureAgent.POST.last;

        List<WorkerState> states = new ArrayList<>();
        List<Thread> platform = new ArrayList<>();
        ExecutorService pool = null;
        if (virtual) {
            pool = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
        for (int i = 0; i < WORKERS; i++) {
            WorkerState w = new WorkerState();
            states.add(w);
            if (virtual) {
                pool.execute(() -> work(w));
            } else {
                Thread t = new Thread(() -> work(w), "churn-worker-" + i);
                t.setDaemon(true);
                platform.add(t);
                t.start();
            }
        }
        List<Churner> churners = new ArrayList<>();
        for (int s = 0; s < SLOTS; s++) {
            Churner c = new Churner(s);
            c.setDaemon(true);
            churners.add(c);
        }
        long t0 = System.nanoTime();
        churners.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stopChurn = true;
        for (Churner c : churners) {
            c.join(60_000);
        }
        long churnMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(100); // every ops is off: a late callback shows up here
        stopWorkers = true;
        if (virtual) {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        } else {
            for (Thread t : platform) {
                t.join(60_000);
            }
        }

        long calls = 0;
        long windows = 0;
        long missed = 0;
        long extra = 0;
        long dup = 0;
        int workerErrors = 0;
        for (WorkerState w : states) {
            calls += w.calls;
            windows += w.windows;
            missed += w.missed;
            extra += w.extra;
            dup += w.dup;
            if (w.error != null) {
                workerErrors++;
                w.error.printStackTrace(System.out);
            }
        }
        long changes = 0;
        long registers = 0;
        long opsCreated = 0;
        int churnErrors = 0;
        long callbackErrors = 0;
        boolean anyRegistered = false;
        for (Churner c : churners) {
            changes += c.registers + c.unregisters + c.filterChanges + c.notraceChanges;
            registers += c.registers;
            opsCreated += c.opsCreated;
            if (c.error != null || c.isAlive()) {
                churnErrors++;
                System.out.println("CHURN-ERROR " + c.getName() + " alive=" + c.isAlive());
                if (c.error != null) {
                    c.error.printStackTrace(System.out);
                }
            }
            callbackErrors += Ftrace.callbackErrors(c.ops);
            anyRegistered |= Ftrace.isRegistered(c.ops);
        }
        int enabledAfter = Ftrace.enabledFunctions().size();
        CaptureAgent.inst.retransformClasses(ChurnWork.class);
        boolean original = baseline != null && Arrays.equals(baseline, CaptureAgent.POST.last);
        long failures = missed + extra + dup + LATE.get() + FOREIGN.get() + ARG_MISMATCH.get() + workerErrors
                + churnErrors + callbackErrors + enabledAfter + (anyRegistered ? 1 : 0) + (original ? 0 : 1);
        System.out.println("RELIABILITY churn-" + args[0] + " seconds=" + seconds + " churnMs=" + churnMs
                + " workers=" + WORKERS + " churners=" + SLOTS + " calls=" + calls + " windows=" + windows
                + " opsChurned=" + changes + " registers=" + registers + " opsCreated=" + opsCreated
                + " missed=" + missed + " extra=" + extra + " dup=" + dup + " late=" + LATE.get()
                + " foreign=" + FOREIGN.get() + " argMismatch=" + ARG_MISMATCH.get() + " workerErrors=" + workerErrors
                + " churnErrors=" + churnErrors + " callbackErrors=" + callbackErrors + " stillRegistered="
                + anyRegistered + " enabledAfter=" + enabledAfter + " originalBytes=" + original
                + " failures=" + failures);
    }
}
