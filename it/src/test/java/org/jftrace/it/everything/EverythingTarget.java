package org.jftrace.it.everything;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import com.sun.management.HotSpotDiagnosticMXBean;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * Target of {@link TraceEverythingTest}; args {@code trace|plain WORKDIR}. {@code trace} (started
 * with the agent) registers one ops with an empty filter, i.e. on every traceable method, runs the
 * {@link Workload} and unregisters; {@code plain} (no agent) runs the workload only. Prints
 * {@code VERIFY}, {@code COMPILE}, {@code RUN}, {@code HASH} lines and, for trace, {@code ENABLED},
 * {@code CALLBACKS}, {@code LATE} and {@code TIMING}.
 */
public final class EverythingTarget {
    private EverythingTarget() {
    }

    public static void main(String[] args) throws Exception {
        boolean trace = args[0].equals("trace");
        Path work = Path.of(args[1]);
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("VERIFY local=" + hs.getVMOption("BytecodeVerificationLocal").getValue()
                + " remote=" + hs.getVMOption("BytecodeVerificationRemote").getValue());
        System.out.println("AGENT " + Ftrace.isInstalled());

        LongAdder callbacks = new LongAdder();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> callbacks.increment()).withName("everything");
        long t0 = System.nanoTime();
        if (trace) {
            Ftrace.registerFtraceFunction(ops); // empty filter: every traceable method, later classes too
        }
        long t1 = System.nanoTime();
        int enabledAtRegister = trace ? Ftrace.enabledFunctions().size() : 0;
        long t2 = System.nanoTime();

        List<Path> files = Workload.writeSources(work.resolve("src"));
        Path out = work.resolve("classes-" + args[0]);
        String diags = Workload.compile(files, out);
        long t3 = System.nanoTime();
        System.out.println("COMPILE " + (diags == null ? "ok" : "failed " + diags));
        String result = diags == null ? "-" : null;
        if (diags == null) {
            result = Workload.run(out);
        }
        long t4 = System.nanoTime();
        System.out.println("RUN " + result);
        for (Map.Entry<String, String> h : Workload.hashes(out).entrySet()) {
            System.out.println("HASH " + h.getKey() + " " + h.getValue());
        }

        if (trace) {
            int enabled = Ftrace.enabledFunctions().size();
            long t5 = System.nanoTime();
            Ftrace.unregisterFtraceFunction(ops);
            long t6 = System.nanoTime();
            long count = callbacks.sum();
            // After unregister returned no callback may run: do some work on the traced JDK methods.
            Map<Integer, Integer> m = new HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                m.merge(i % 97, 1, Integer::sum);
            }
            Workload.hashes(out);
            System.out.println("ENABLED atRegister=" + enabledAtRegister + " whileRegistered=" + enabled
                    + " afterUnregister=" + Ftrace.enabledFunctions().size());
            System.out.println("CALLBACKS " + count);
            System.out.println("LATE " + (callbacks.sum() - count));
            System.out.println("ERRORS " + Ftrace.callbackErrors(ops));
            System.out.println("TIMING registerMs=" + ms(t1 - t0) + " compileMs=" + ms(t3 - t2) + " runMs=" + ms(t4 - t3)
                    + " unregisterMs=" + ms(t6 - t5) + " totalMs=" + ms(t6 - t0));
        } else {
            System.out.println("TIMING compileMs=" + ms(t3 - t2) + " runMs=" + ms(t4 - t3) + " totalMs=" + ms(t4 - t0));
        }
        System.out.println("DONE");
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
