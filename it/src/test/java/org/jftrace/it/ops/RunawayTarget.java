package org.jftrace.it.ops;

import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * A RECURSION_SAFE ops whose callback calls two traced methods: it re-enters itself without end
 * (the kernel's rule makes that the callback's fault). Run in its own JVM: it must not hang, must
 * turn that ops' callback off with a message, and must let the program finish.
 */
public final class RunawayTarget {
    static final AtomicLong CALLBACKS = new AtomicLong();

    private RunawayTarget() {
    }

    static int work(int x) {
        return x + 1;
    }

    static int other(int x) {
        return x * 2;
    }

    public static void main(String[] args) {
        work(0);
        other(0);
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            CALLBACKS.incrementAndGet();
            work(1); // traced: the callback runs again, and again
            other(1);
        }).withFlags(FtraceOps.Flag.RECURSION_SAFE);
        Ftrace.ftraceSetFilter(ops, RunawayTarget.class.getName() + ".work", false);
        Ftrace.ftraceSetFilter(ops, RunawayTarget.class.getName() + ".other", false);
        Ftrace.registerFtraceFunction(ops);
        int sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += work(i);
        }
        System.out.println("RESULT sum=" + sum + " errors=" + Ftrace.callbackErrors(ops) + " callbacks="
                + CALLBACKS.get() + " registered=" + Ftrace.isRegistered(ops));
        Ftrace.unregisterFtraceFunction(ops);
        System.out.println("DONE");
    }
}
