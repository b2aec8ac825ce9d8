package org.jftrace.it.flags;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * Calls a hooked method from the main thread, the Finalizer thread, the Common-Cleaner thread and
 * a shutdown hook, with an RCU ops and a plain ops registered; prints per ops the contexts whose
 * calls reached it. Needs {@code --add-exports java.base/jdk.internal.ref=ALL-UNNAMED} for the
 * Common-Cleaner.
 */
public final class RcuTarget {
    static final Map<String, Integer> RCU = new TreeMap<>();
    static final Map<String, Integer> PLAIN = new TreeMap<>();
    static final CountDownLatch FINALIZED = new CountDownLatch(1);
    static final CountDownLatch CLEANED = new CountDownLatch(1);

    private RcuTarget() {
    }

    /** The hooked method; {@code where} names the context. */
    public static String probe(String where) {
        return where;
    }

    static final class Finalizable {
        @Override
        @SuppressWarnings({"deprecation", "removal"})
        protected void finalize() {
            probe("finalizer:" + Thread.currentThread().getName());
            FINALIZED.countDown();
        }
    }

    public static void main(String[] args) throws Exception {
        probe("load");
        FtraceOps rcu = FtraceOps.of((ip, p, op, regs) -> count(RCU)).withFlags(FtraceOps.Flag.RCU);
        FtraceOps plain = FtraceOps.of((ip, p, op, regs) -> count(PLAIN));
        for (FtraceOps ops : new FtraceOps[] {rcu, plain}) {
            Ftrace.ftraceSetFilter(ops, "org.jftrace.it.flags.RcuTarget.probe", true);
            Ftrace.registerFtraceFunction(ops);
        }
        probe("main");

        new Finalizable();
        for (int i = 0; i < 50 && FINALIZED.getCount() > 0; i++) {
            System.gc();
            FINALIZED.await(100, TimeUnit.MILLISECONDS);
        }

        Class<?> factory = Class.forName("jdk.internal.ref.CleanerFactory");
        Object cleaner = factory.getMethod("cleaner").invoke(null);
        Method register = cleaner.getClass().getMethod("register", Object.class, Runnable.class);
        register.invoke(cleaner, new Object(), (Runnable) () -> {
            probe("cleaner:" + Thread.currentThread().getName());
            CLEANED.countDown();
        });
        for (int i = 0; i < 50 && CLEANED.getCount() > 0; i++) {
            System.gc();
            CLEANED.await(100, TimeUnit.MILLISECONDS);
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            probe("shutdown-hook");
            synchronized (RCU) {
                System.out.println("finalized=" + (FINALIZED.getCount() == 0) + " cleaned=" + (CLEANED.getCount() == 0));
                System.out.println("rcu=" + RCU);
                System.out.println("plain=" + PLAIN);
            }
        }, "user-shutdown-hook"));
    }

    private static void count(Map<String, Integer> m) {
        String t = Thread.currentThread().getName();
        String ctx = t.equals("main") ? "main" : t.equals("Finalizer") ? "Finalizer"
                : t.equals("Common-Cleaner") ? "Common-Cleaner" : t.equals("user-shutdown-hook") ? "shutdown" : "other:" + t;
        synchronized (RCU) {
            m.merge(ctx, 1, Integer::sum);
        }
    }
}
