package org.jftrace.it.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.it.install.CaptureAgent;

/**
 * Target of {@code FaultsTest.anInternalFailureTurnsJftraceOff}, run with
 * {@code -Djftrace.faultInjection=hook-change:third} and the {@link CaptureAgent} after jftrace: two ops
 * hook an application method and a JDK method, the register of a third (named "third") fails inside
 * jftrace as a bug would. Then jftrace must be off (the kernel's ftrace_bug): that
 * register and every later API call ENODEV, no callback any more, the program's results right, and
 * the hooked application class back to its original bytes. Prints {@code RELIABILITY faults-kill ...}.
 */
public final class KillSwitchTarget {
    static int work(int x) {
        return x * 3 + 1;
    }

    public static void main(String[] args) throws Exception {
        work(0);
        String internal = KillSwitchTarget.class.getName().replace('.', '/');
        CaptureAgent.watched = internal;
        CaptureAgent.inst.retransformClasses(KillSwitchTarget.class);
        byte[] original = CaptureAgent.POST.last;

        AtomicLong app = new AtomicLong();
        AtomicLong jdk = new AtomicLong();
        FtraceOps a = FtraceOps.builder((ip, p, o, r) -> app.incrementAndGet())
                .filter(KillSwitchTarget.class.getName() + ".work").name("app").build();
        FtraceOps b = FtraceOps.builder((ip, p, o, r) -> jdk.incrementAndGet())
                .filter("java.lang.Integer.parseInt(java.lang.String)").name("jdk").build();
        Ftrace.registerFtraceFunction(a);
        Ftrace.registerFtraceFunction(b);
        int failures = 0;
        long sum = 0;
        for (int i = 0; i < 100; i++) {
            sum += work(i) + Integer.parseInt(Integer.toString(i));
        }
        long appBefore = app.get();
        long jdkBefore = jdk.get();
        if (appBefore != 100 || jdkBefore != 100) {
            System.out.println("FAILURE hooked before the fault: app " + appBefore + " jdk " + jdkBefore);
            failures++;
        }
        CaptureAgent.inst.retransformClasses(KillSwitchTarget.class);
        boolean hookedBytes = !Arrays.equals(original, CaptureAgent.POST.last);

        // change 3: fails inside jftrace
        FtraceOps c = FtraceOps.builder((ip, p, o, r) -> { }).filter(KillSwitchTarget.class.getName() + ".work")
                .name("third").build();
        String thirdErrno = errno(() -> {
            Ftrace.registerFtraceFunction(c);
            return null;
        });

        // every later call ENODEV
        List<String> later = new ArrayList<>();
        later.add(errno(() -> {
            Ftrace.registerFtraceFunction(FtraceOps.of((ip, p, o, r) -> { }));
            return null;
        }));
        later.add(errno(() -> {
            Ftrace.unregisterFtraceFunction(a);
            return null;
        }));
        later.add(errno(() -> {
            Ftrace.ftraceSetFilter(b, "java.lang.Integer.valueOf", false);
            return null;
        }));
        later.add(errno(() -> {
            Ftrace.ftraceSetNotrace(b, "java.lang.Integer.valueOf", false);
            return null;
        }));
        long enodev = later.stream().filter("ENODEV"::equals).count();

        // the program runs on, and no callback runs any more
        long sumAfter = 0;
        for (int i = 0; i < 100; i++) {
            sumAfter += work(i) + Integer.parseInt(Integer.toString(i));
        }
        if (sumAfter != sum) {
            System.out.println("FAILURE results changed: " + sum + " then " + sumAfter);
            failures++;
        }
        long appAfter = app.get() - appBefore;
        long jdkAfter = jdk.get() - jdkBefore;
        CaptureAgent.inst.retransformClasses(KillSwitchTarget.class);
        boolean originalBytes = Arrays.equals(original, CaptureAgent.POST.last);
        System.out.println("RELIABILITY faults-kill faultsInjected=1 hookedBytesBefore=" + hookedBytes
                + " thirdRegister=" + thirdErrno + " laterCalls=" + later.size() + " laterEnodev=" + enodev
                + " later=" + String.join(",", later) + " callbacksAfter=" + (appAfter + jdkAfter)
                + " originalBytes=" + originalBytes + " failures=" + failures);
    }

    /** {@return the errno that {@code call} failed with, or "none"} */
    private static String errno(Supplier<Object> call) {
        try {
            call.get();
            return "none";
        } catch (FtraceException e) {
            Errno n = e.errno();
            return n.name();
        }
    }
}
