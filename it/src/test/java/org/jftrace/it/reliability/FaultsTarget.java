package org.jftrace.it.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;

/**
 * Target of {@link FaultsTest}, one fault family per mode (first argument):
 * <ul>
 * <li>{@code callbacks}: callbacks that throw (RuntimeException, a checked exception, Error,
 * StackOverflowError and OutOfMemoryError, thrown and real), block, recurse into their own method,
 * and unregister themselves, each on 4 threads at once;</li>
 * <li>{@code refused}: with {@link RefuseAgent} loaded after jftrace, a class whose retransformation
 * the JVM refuses is in one batch with three others;</li>
 * <li>{@code twice GOFILE}: started with the agent given twice; installs itself again, and waits for
 * GOFILE (made after the test attached by pid) before its last check;</li>
 * <li>{@code exit-callback}, {@code exit-blocked}: System.exit from a callback, and from main while
 * other threads are inside blocked callbacks and another is inside unregister.</li>
 * </ul>
 */
public final class FaultsTarget {
    static final int THREADS = 4;
    static final String SELF = FaultsTarget.class.getName();

    private FaultsTarget() {
    }

    /** The hooked method of the callback faults. */
    public static int target(int x) {
        return x * 2 + 1;
    }

    /** Another hooked method, for the unregister-itself rounds (a fresh ops each round). */
    public static int target2(int x) {
        return x + 7;
    }

    /** The four classes of one retransformation batch; the JVM refuses {@link Refused}'s. */
    public static final class BatchA {
        public static int run() {
            return 1;
        }
    }

    public static final class BatchB {
        public static int run() {
            return 2;
        }
    }

    public static final class BatchC {
        public static int run() {
            return 3;
        }
    }

    public static final class Refused {
        public static int run() {
            return 4;
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    static int deep(int n) {
        return n == 0 ? 0 : 1 + deep(n - 1);
    }

    static final AtomicLong FAULTS = new AtomicLong();
    static final AtomicLong CALLS = new AtomicLong();
    static final AtomicLong FAILURES = new AtomicLong();

    static void fail(String what) {
        FAILURES.incrementAndGet();
        System.out.println("FAILURE " + what);
    }

    /** Runs {@code perThread} calls of {@code call} on {@link #THREADS} threads; {@return calls that went wrong} */
    static long hammer(int perThread, Supplier<Boolean> call) throws InterruptedException {
        AtomicLong bad = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        CALLS.incrementAndGet();
                        if (!call.get()) {
                            bad.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        bad.incrementAndGet();
                        System.out.println("ESCAPED " + e);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(120_000);
        }
        return bad.get();
    }

    public static void main(String[] args) throws Exception {
        target(0);
        target2(0);
        switch (args[0]) {
            case "callbacks" -> callbacks();
            case "refused" -> refused();
            case "twice" -> twice(Path.of(args[1]));
            case "exit-callback" -> exitFromCallback();
            case "exit-blocked" -> exitWhileBlocked();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // ---- throw, block, recurse, unregister itself ----

    static void callbacks() throws Exception {
        int n = 2_000;
        List<String> kinds = List.of("RuntimeException", "IOException", "AssertionError", "StackOverflowError-thrown",
                "StackOverflowError-real", "OutOfMemoryError-thrown", "OutOfMemoryError-real");
        for (String kind : kinds) {
            for (FtraceOps.Flag[] flags : List.of(new FtraceOps.Flag[0], new FtraceOps.Flag[] {FtraceOps.Flag.RECURSION_SAFE})) {
                AtomicLong seen = new AtomicLong();
                FtraceFunc f = (ip, parentIp, op, regs) -> {
                    seen.incrementAndGet();
                    FAULTS.incrementAndGet();
                    switch (kind) {
                        case "RuntimeException" -> throw new IllegalStateException("injected");
                        case "IOException" -> sneaky(new java.io.IOException("injected"));
                        case "AssertionError" -> throw new AssertionError("injected");
                        case "StackOverflowError-thrown" -> throw new StackOverflowError("injected");
                        case "StackOverflowError-real" -> deep(Integer.MAX_VALUE);
                        case "OutOfMemoryError-thrown" -> throw new OutOfMemoryError("injected");
                        default -> {
                            long[] huge = new long[Integer.MAX_VALUE]; // the JVM throws OutOfMemoryError (over its array size limit)
                            huge[0] = 1;
                        }
                    }
                };
                FtraceOps ops = FtraceOps.of(f).withName("throws-" + kind).withFlags(flags);
                Ftrace.ftraceSetFilter(ops, SELF + ".target", false);
                Ftrace.registerFtraceFunction(ops);
                long bad = hammer(n / 4, () -> target(21) == 43);
                Ftrace.unregisterFtraceFunction(ops);
                long errors = Ftrace.callbackErrors(ops);
                System.out.println("THROWS " + kind + (flags.length > 0 ? "-safe" : "") + " calls=" + n + " seen="
                        + seen.get() + " errors=" + errors + " bad=" + bad);
                if (bad != 0 || seen.get() != n || errors != n) {
                    fail("throws " + kind + " seen=" + seen.get() + " errors=" + errors + " bad=" + bad);
                }
            }
        }

        // blocks: one callback blocks; the others' calls go on; unregister waits for it
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean exited = new AtomicBoolean();
        AtomicLong blockSeen = new AtomicLong();
        FtraceOps blocker = FtraceOps.of((ip, parentIp, op, regs) -> {
            blockSeen.incrementAndGet();
            if (Thread.currentThread().getName().equals("blocked-caller")) {
                FAULTS.incrementAndGet();
                blocked.countDown();
                try {
                    release.await();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exited.set(true);
            }
        }).withName("blocks");
        Ftrace.ftraceSetFilter(blocker, SELF + ".target", false);
        Ftrace.registerFtraceFunction(blocker);
        Thread caller = new Thread(() -> target(1), "blocked-caller");
        caller.start();
        blocked.await();
        long t0 = System.nanoTime();
        long bad = hammer(2_500, () -> target(3) == 7); // not held up by the blocked callback
        long othersMs = (System.nanoTime() - t0) / 1_000_000;
        Thread unregistering = new Thread(() -> Ftrace.unregisterFtraceFunction(blocker), "unregistering");
        unregistering.start();
        unregistering.join(300);
        boolean returnedWhileBlocked = !unregistering.isAlive();
        release.countDown();
        unregistering.join(60_000);
        caller.join(60_000);
        System.out.println("BLOCKS othersMs=" + othersMs + " othersSeen=" + (blockSeen.get() - 1) + " bad=" + bad
                + " unregisterReturnedWhileBlocked=" + returnedWhileBlocked + " exitedBeforeUnregisterReturned="
                + exited.get() + " unregisterAlive=" + unregistering.isAlive());
        if (bad != 0 || returnedWhileBlocked || !exited.get() || unregistering.isAlive() || blockSeen.get() != 10_001) {
            fail("blocks");
        }

        // recurses: the callback calls its own hooked method (depth 20 when RECURSION_SAFE)
        for (boolean safe : new boolean[] {false, true}) {
            ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
            AtomicLong rec = new AtomicLong();
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
                rec.incrementAndGet();
                int[] d = depth.get();
                if (d[0] < 20) {
                    d[0]++;
                    FAULTS.incrementAndGet();
                    try {
                        if (target(5) != 11) {
                            fail("recursion result");
                        }
                    } finally {
                        d[0]--;
                    }
                }
            }).withName("recurses");
            if (safe) {
                ops = ops.withFlags(FtraceOps.Flag.RECURSION_SAFE);
            }
            Ftrace.ftraceSetFilter(ops, SELF + ".target", false);
            Ftrace.registerFtraceFunction(ops);
            long b = hammer(250, () -> target(9) == 19);
            Ftrace.unregisterFtraceFunction(ops);
            long expected = safe ? 1000L * 21 : 1000L; // guarded: the nested callback is lost, the method runs
            System.out.println("RECURSES safe=" + safe + " calls=1000 callbacks=" + rec.get() + " expected=" + expected
                    + " bad=" + b + " errors=" + Ftrace.callbackErrors(ops));
            if (b != 0 || rec.get() != expected || Ftrace.callbackErrors(ops) != 0) {
                fail("recurses safe=" + safe);
            }
        }

        // unregisters itself, from 4 threads at once, 50 rounds with a fresh ops
        long late = 0;
        long selfUnregisters = 0;
        long ebusy = 0;
        for (int round = 0; round < 50; round++) {
            AtomicBoolean returned = new AtomicBoolean();
            AtomicLong lateRound = new AtomicLong();
            AtomicLong unregs = new AtomicLong();
            AtomicLong busy = new AtomicLong();
            AtomicLong count = new AtomicLong();
            int trigger = 100 + round * 7;
            FtraceOps[] holder = new FtraceOps[1];
            holder[0] = FtraceOps.of((ip, parentIp, op, regs) -> {
                if (returned.get()) {
                    lateRound.incrementAndGet();
                }
                if (count.incrementAndGet() >= trigger) {
                    try {
                        Ftrace.unregisterFtraceFunction(holder[0]);
                        unregs.incrementAndGet();
                        FAULTS.incrementAndGet();
                        returned.set(true);
                    } catch (FtraceException e) {
                        if (e.errno() != Errno.EBUSY) {
                            throw e;
                        }
                        busy.incrementAndGet(); // another thread's callback unregistered it first
                    }
                }
            }).withName("self-unregister-" + round);
            Ftrace.ftraceSetFilter(holder[0], SELF + ".target2", false);
            Ftrace.registerFtraceFunction(holder[0]);
            long b = hammer(200, () -> target2(1) == 8);
            late += lateRound.get();
            selfUnregisters += unregs.get();
            ebusy += busy.get();
            if (b != 0 || unregs.get() != 1 || Ftrace.isRegistered(holder[0]) || Ftrace.callbackErrors(holder[0]) != 0) {
                fail("self-unregister round " + round + " bad=" + b + " unregs=" + unregs.get() + " errors="
                        + Ftrace.callbackErrors(holder[0]));
            }
        }
        System.out.println("SELF-UNREGISTER rounds=50 unregisters=" + selfUnregisters + " ebusy=" + ebusy + " late=" + late);
        if (late != 0) {
            fail("callbacks after their own unregister returned: " + late);
        }
        int enabled = Ftrace.enabledFunctions().size();
        if (enabled != 0) {
            fail("enabled functions left: " + enabled);
        }
        System.out.println("RELIABILITY faults-callbacks calls=" + CALLS.get() + " faultsInjected=" + FAULTS.get()
                + " enabledAfter=" + enabled + " failures=" + FAILURES.get());
    }

    // ---- a class the JVM refuses to retransform, in a batch with three others ----

    static void refused() throws Exception {
        int before = BatchA.run() + BatchB.run() + BatchC.run() + Refused.run();
        AtomicLong a = new AtomicLong();
        AtomicLong refusedSeen = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            String name = Ftrace.lookup(ip).map(i -> i.name()).orElse("?");
            if (name.contains("Refused")) {
                refusedSeen.incrementAndGet();
            } else {
                a.incrementAndGet();
            }
        }).withName("batch").withFlags(FtraceOps.Flag.RECURSION_SAFE);
        Ftrace.ftraceSetFilter(ops, SELF + "$*.run", false);
        Ftrace.registerFtraceFunction(ops); // must not throw: the refused class is skipped, the rest hooked
        int during = 0;
        for (int i = 0; i < 100; i++) {
            during += BatchA.run() + BatchB.run() + BatchC.run() + Refused.run();
        }
        int enabled = Ftrace.enabledFunctions().size();
        Ftrace.unregisterFtraceFunction(ops);
        int after = Ftrace.enabledFunctions().size();
        long failures = (a.get() == 300 ? 0 : 1) + (before * 100 == during ? 0 : 1) + (after == 0 ? 0 : 1)
                + (RefuseAgent.refusals.get() > 0 ? 0 : 1);
        System.out.println("RELIABILITY faults-refused classes=4 refusedByJvm=" + RefuseAgent.refusals.get()
                + " hookedCalls=300 seen=" + a.get() + " refusedSeen=" + refusedSeen.get() + " enabledWhile=" + enabled
                + " enabledAfter=" + after + " resultsRight=" + (before * 100 == during) + " failures=" + failures);
    }

    // ---- the agent twice: -javaagent twice, install(), attach by pid ----

    static void twice(Path go) throws Exception {
        AtomicLong seen = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> seen.incrementAndGet()).withName("twice");
        Ftrace.ftraceSetFilter(ops, SELF + ".target", false);
        Ftrace.registerFtraceFunction(ops);
        for (int i = 0; i < 100; i++) {
            target(i);
        }
        long afterPremains = seen.get();
        Class.forName("org.jftrace.agent.JftraceAgent").getMethod("install").invoke(null);
        for (int i = 0; i < 100; i++) {
            target(i);
        }
        long afterInstall = seen.get();
        System.out.println("ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(go) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (int i = 0; i < 100; i++) {
            target(i);
        }
        long afterAttach = seen.get();
        Ftrace.unregisterFtraceFunction(ops);
        target(1);
        long failures = (afterPremains == 100 ? 0 : 1) + (afterInstall == 200 ? 0 : 1) + (afterAttach == 300 ? 0 : 1)
                + (seen.get() == 300 ? 0 : 1) + (Ftrace.enabledFunctions().isEmpty() ? 0 : 1);
        System.out.println("RELIABILITY faults-agent-twice loads=4 calls=300 seen=" + seen.get() + " afterPremains="
                + afterPremains + " afterInstall=" + afterInstall + " afterAttach=" + afterAttach + " failures=" + failures);
    }

    // ---- System.exit ----

    static void exitFromCallback() throws Exception {
        AtomicLong seen = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (seen.incrementAndGet() == 5_000) {
                System.out.println("EXITING from a callback");
                System.exit(7);
            }
        }).withName("exit");
        Ftrace.ftraceSetFilter(ops, SELF + ".target", false);
        Ftrace.registerFtraceFunction(ops);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // a shutdown hook runs hooked code too, and jftrace's callbacks may run there
            System.out.println("HOOK target=" + target(20) + " seen>=" + (seen.get() >= 5_000));
        }));
        hammer(1_000_000, () -> target(1) == 3);
        System.out.println("NOT-EXITED");
    }

    static void exitWhileBlocked() throws Exception {
        CountDownLatch inside = new CountDownLatch(THREADS);
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            inside.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).withName("blocked-at-exit");
        Ftrace.ftraceSetFilter(ops, SELF + ".target", false);
        Ftrace.registerFtraceFunction(ops);
        for (int t = 0; t < THREADS; t++) {
            Thread th = new Thread(() -> target(1), "in-callback-" + t);
            th.setDaemon(false); // non-daemon: System.exit must still end the JVM
            th.start();
        }
        inside.await();
        Thread unreg = new Thread(() -> Ftrace.unregisterFtraceFunction(ops), "unregister-waiting");
        unreg.start(); // waits for the blocked callbacks (grace period)
        Thread.sleep(300);
        System.out.println("EXITING with " + THREADS + " callbacks blocked and unregister waiting (alive="
                + unreg.isAlive() + ")");
        System.exit(9);
    }
}
