package org.jftrace.sample;

import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * jftrace's sample: hooks a user method ({@code Inventory.add}) and a JDK method
 * ({@code java.util.HashMap.get}) of this running program, prints each hit as the kernel's function
 * tracer does ({@code func <-parent}), then unregisters and shows that the hooks are gone.
 *
 * <pre>{@code java -javaagent:agent/target/jftrace-agent.jar -jar sample/target/jftrace-sample.jar}</pre>
 */
public final class SampleApp {
    private SampleApp() {
    }

    public static void main(String[] args) {
        AtomicLong hits = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            hits.incrementAndGet();
            String func = Ftrace.lookup(ip).map(f -> f.signature()).orElse("?");
            String parent = Ftrace.lookup(parentIp).map(f -> f.toString()).orElse("?");
            System.out.println("  " + func + " <-" + parent);
        }).withFlags(FtraceOps.Flag.PARENT_IP).withName("sample-printer");

        Inventory inv = new Inventory(); // loaded first: a pattern must match a loaded method (or be pending)
        Ftrace.ftraceSetFilter(ops, "org.jftrace.sample.Inventory.add", false);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        System.out.println("registered " + ops.name() + "; enabled_functions:");
        Ftrace.enabledFunctions().forEach(f -> System.out.println("  " + f));

        System.out.println("calls with the hook:");
        inv.add("apples", 3);
        inv.add("pears", 2);

        Ftrace.unregisterFtraceFunction(ops);
        long before = hits.get();
        inv.add("apples", 1);
        System.out.println("after unregister: " + (hits.get() - before) + " callbacks; apples = "
                + inv.count("apples") + "; enabled_functions now has " + Ftrace.enabledFunctions().size() + " entries");
    }
}
