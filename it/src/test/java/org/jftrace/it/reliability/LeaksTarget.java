package org.jftrace.it.reliability;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import javax.management.ObjectName;

import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.RedirectFunc;
import org.jftrace.internal.api.BackendHolder;

/**
 * Target of {@link LeaksTest}: {@code FLAG CYCLES}, FLAG one of {@code plain}, {@code saveregs},
 * {@code ipmodify}, {@code percpu}, {@code exits} (an exit-hook ops: each return must see its
 * entry's data). One ops with that flag stays registered on a kept pattern naming {@code org.jftrace.it.ops.LoaderLeakTarget} (ClassLoaderLeakTest's target) while CYCLES
 * class loaders in turn load the class, which is hooked as it loads, call it once through the hook
 * (the callback counts; SAVE_REGS rewrites a reference argument with setArg; IPMODIFY redirects to
 * {@link LeakReplacement#seven}; PER_CPU is enabled on this thread) and are dropped, still hooked.
 * Every loader must be collected, and the function table's records and the live heap must stay
 * flat from the first tenth of the cycles to the end.
 */
public final class LeaksTarget {
    static final String TARGET = "org.jftrace.it.ops.LoaderLeakTarget";

    private LeaksTarget() {
    }

    /**
     * {@return what {@code method()} of the core's field {@code field} counts} Read from the core by
     * reflection: no API says it.
     */
    static int coreCount(String field, String method) throws Exception {
        Object core = BackendHolder.get();
        Field f = core.getClass().getDeclaredField(field);
        f.setAccessible(true);
        Object part = f.get(core);
        return (int) part.getClass().getMethod(method).invoke(part);
    }

    /** {@return the function table's method records} */
    static int records() throws Exception {
        return coreCount("table", "records");
    }

    /** {@return how often the core walked every loaded class to find a record's Class} */
    static int classWalks() throws Exception {
        return coreCount("discovery", "resolveWalks");
    }

    /** {@return the function table's and the hook sites' index slots held in memory} */
    static int slotsHeld() throws Exception {
        return coreCount("table", "slotsHeld") + coreCount("hooks", "slotsHeld");
    }

    /** {@return the IPMODIFY invokers the core keeps} */
    static int invokers() throws Exception {
        return coreCount("redirects", "invokers");
    }

    /**
     * {@return the bytes of live objects, as the JVM's class histogram totals them} The histogram
     * runs a full GC first; before it, a GC unloads the dropped loaders' classes and a walk of the
     * table forgets their records. (The used heap after {@code System.gc()} moved by several MiB
     * between two runs of one case, up to 23 MiB on JDK 25 where the histogram showed no growth.)
     */
    static long liveBytes() throws Exception {
        System.gc();
        Ftrace.enabledFunctions(); // walks the table, which forgets what was unloaded
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        String[] lines = histogram.strip().split("\\R");
        String[] total = lines[lines.length - 1].trim().split("\\s+"); // "Total <instances> <bytes>"
        if (!total[0].equals("Total")) {
            throw new IllegalStateException("no Total line in the class histogram: " + lines[lines.length - 1]);
        }
        return Long.parseLong(total[2]);
    }

    /** One cycle: a loader, the class hooked as it loads, one call, dropped. {@return a weak reference to the loader} */
    static WeakReference<ClassLoader> cycle(URL dir, String flag, long[] bad) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {dir}, ClassLoader.getPlatformClassLoader());
        Class<?> k = Class.forName(TARGET, true, loader);
        Object target = k.getDeclaredConstructor().newInstance();
        int got;
        int expected;
        switch (flag) {
            case "saveregs" -> {
                Object other = k.getDeclaredConstructor().newInstance();
                got = (int) k.getMethod("same", k).invoke(target, other);
                expected = 1; // setArg put the receiver in place of the argument
            }
            case "ipmodify" -> {
                got = ((IntSupplier) target).getAsInt();
                expected = 7; // redirected
            }
            default -> {
                got = ((IntSupplier) target).getAsInt();
                expected = 5;
            }
        }
        if (got != expected) {
            bad[0]++;
        }
        loader.close();
        return new WeakReference<>(loader);
    }

    public static void main(String[] args) throws Exception {
        String flag = args[0];
        int cycles = Integer.parseInt(args[1]);
        URL dir = LeaksTarget.class.getProtectionDomain().getCodeSource().getLocation();
        AtomicLong calls = new AtomicLong();
        AtomicLong exits = new AtomicLong();
        FtraceOps ops = switch (flag) {
            case "plain" -> FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet());
            case "saveregs" -> FtraceOps.of((ip, parentIp, op, regs) -> {
                calls.incrementAndGet();
                regs.setArg(0, regs.receiver());
            }).withFlags(FtraceOps.Flag.SAVE_REGS);
            case "ipmodify" -> {
                RedirectFunc to = RedirectFunc.to(Ftrace.lookupIp(LeakReplacement.class.getName() + ".seven"));
                yield FtraceOps.of((ip, parentIp, op, regs) -> {
                    calls.incrementAndGet();
                    to.call(ip, parentIp, op, regs);
                }).withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY);
            }
            case "percpu" -> FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet())
                    .withFlags(FtraceOps.Flag.PER_CPU);
            case "exits" -> FgraphOps.builder((ip, parentIp, depth, g) -> {
                calls.incrementAndGet();
                return 5L;
            }, (ip, data, depth, exit, value, bits, g) -> {
                if (data == 5L && exit == FgraphOps.Exit.RETURN) {
                    exits.incrementAndGet();
                }
            }).name("leak-exits").build().ops();
            default -> throw new IllegalArgumentException(flag);
        };
        if (!flag.equals("exits")) {
            ops = ops.withName("leak-" + flag);
        }
        String method = flag.equals("saveregs") ? ".same" : ".getAsInt";
        Ftrace.ftraceSetFilterPending(ops, TARGET + method, false);
        Ftrace.registerFtraceFunction(ops);
        if (flag.equals("percpu")) {
            Ftrace.ftraceFunctionLocalEnable(ops);
        }
        long[] bad = new long[1];
        List<WeakReference<ClassLoader>> refs = new ArrayList<>();
        int warm = Math.max(100, cycles / 10);
        for (int i = 0; i < warm; i++) {
            refs.add(cycle(dir, flag, bad));
        }
        long heapBefore = liveBytes();
        int recordsBefore = records();
        int slotsBefore = slotsHeld();
        int walksBefore = classWalks();
        long t0 = System.nanoTime();
        for (int i = warm; i < cycles; i++) {
            refs.add(cycle(dir, flag, bad));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // a walk over every loaded class per cycle (dropped loaders' classes included) made a long
        // SAVE_REGS run 28x slower: a hooked class's Class is learnt when its hook links
        int walks = classWalks() - walksBefore;
        long heapAfter = liveBytes();
        int recordsAfter = records();
        // an invoker per (traced, replacement) pair kept the records of every unloaded traced class
        int invokers = invokers();
        // ids are never reused: a flat index by id grew by a slot per method of every class loaded
        int slotsAfter = slotsHeld();
        int alive = 0;
        for (int round = 0; round < 20; round++) {
            alive = 0;
            for (WeakReference<ClassLoader> r : refs) {
                if (r.get() != null) {
                    alive++;
                }
            }
            if (alive == 0) {
                break;
            }
            System.gc();
            Thread.sleep(100);
        }
        long errors = Ftrace.callbackErrors(ops);
        Ftrace.unregisterFtraceFunction(ops);
        int enabledAfter = Ftrace.enabledFunctions().size();
        long heapGrowthKiB = (heapAfter - heapBefore) / 1024;
        // 1,000s of loaders kept would keep their classes' records (4 methods each) and MiBs of heap.
        // Every flag, plain too, grows by about 3 MiB of live objects by 2,000 cycles and then stays
        // (5,000 against 30,000 cycles: no growth), hence a bound above that step
        boolean recordsFlat = recordsAfter - recordsBefore < 200;
        boolean heapFlat = heapAfter - heapBefore < 8L << 20;
        boolean walksFew = walks < 10;
        boolean invokersFew = invokers < 10;
        boolean slotsFlat = slotsAfter - slotsBefore <= 4 * 1024;
        long failures = bad[0] + alive + errors + enabledAfter + (calls.get() == cycles ? 0 : 1)
                + (flag.equals("exits") && exits.get() != cycles ? 1 : 0) + (recordsFlat ? 0 : 1) + (heapFlat ? 0 : 1) + (walksFew ? 0 : 1) + (invokersFew ? 0 : 1) + (slotsFlat ? 0 : 1);
        System.out.println("RELIABILITY leaks-" + flag + " cycles=" + cycles + " calls=" + calls.get() + (flag.equals("exits") ? " exits=" + exits.get() : "") + " wrongResults="
                + bad[0] + " loadersAlive=" + alive + " recordsBefore=" + recordsBefore + " recordsAfter=" + recordsAfter
                + " liveBeforeKiB=" + heapBefore / 1024 + " liveAfterKiB=" + heapAfter / 1024 + " liveGrowthKiB="
                + heapGrowthKiB + " callbackErrors=" + errors + " enabledAfter=" + enabledAfter + " cyclesMs=" + ms + " classWalks=" + walks + " invokers=" + invokers + " slotsBefore=" + slotsBefore + " slotsAfter=" + slotsAfter
                + " failures=" + failures);
    }
}
