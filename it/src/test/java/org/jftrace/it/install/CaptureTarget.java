package org.jftrace.it.install;

import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/**
 * Target of {@link OriginalBytesTest}, started with
 * {@code -javaagent:capture.jar=pre -javaagent:jftrace -javaagent:capture.jar=post}. For a class it
 * captures the bytes jftrace's transformer hands on (POST) and is handed (PRE): with no hook, with a
 * hook (register), after the hook is taken off (unregister), and once more. Prints
 * {@code RESULT <class> key=value...}; see {@link OriginalBytesTest} for what must hold.
 *
 * <p>The baseline is the second retransform with no hook: for a class that came from the CDS archive,
 * the JVM offers the jimage class file on the first retransform and its own reconstitution of the
 * class on every later one (a JVM behaviour, with or without jftrace: {@code firstIsBaseline}
 * shows it), so only from the second retransform on are the offered bytes stable.
 */
public final class CaptureTarget {
    private CaptureTarget() {
    }

    public static void main(String[] args) throws Exception {
        Instrumentation inst = CaptureAgent.inst;
        if (inst == null || !CaptureAgent.PRE.loaded || !CaptureAgent.POST.loaded || !Ftrace.isInstalled()) {
            System.out.println("FAIL agents missing: pre=" + CaptureAgent.PRE.loaded + " post="
                    + CaptureAgent.POST.loaded + " jftrace=" + Ftrace.isInstalled());
            System.exit(1);
        }
        Victim v = new Victim();
        v.work(1);
        Map<String, Integer> map = new HashMap<>();
        map.put("a", 1);
        map.get("a");
        boolean ok = check(inst, Victim.class, "org.jftrace.it.install.Victim.work", () -> v.work(2));
        ok &= check(inst, HashMap.class, "java.util.HashMap.get", () -> map.get("a"));
        System.out.println("enabledAtEnd " + Ftrace.enabledFunctions().size());
        System.out.println(ok ? "DONE" : "FAIL");
    }

    private static boolean check(Instrumentation inst, Class<?> k, String pattern, Runnable call) throws Exception {
        CaptureAgent.watched = k.getName().replace('.', '/');
        byte[][] first = capture(inst, k, null);
        byte[][] base = capture(inst, k, null);
        AtomicLong calls = new AtomicLong();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet()).withName("capture");
        Ftrace.ftraceSetFilter(ops, pattern, false);
        byte[][] hooked = capture(inst, k, () -> Ftrace.registerFtraceFunction(ops));
        int enabledWhile = Ftrace.enabledFunctions().size();
        call.run();
        long n = calls.get();
        byte[][] after = capture(inst, k, () -> Ftrace.unregisterFtraceFunction(ops));
        call.run();
        long late = calls.get() - n;
        byte[][] again = capture(inst, k, null);
        CaptureAgent.watched = null;
        int enabledAfter = Ftrace.enabledFunctions().size();

        byte[] baseline = base[1];
        boolean baselinePassedThrough = eq(base[0], base[1]);
        boolean hookedDiffers = baseline != null && hooked[1] != null && !Arrays.equals(baseline, hooked[1])
                && !Arrays.equals(hooked[0], hooked[1]);
        boolean afterPassedThrough = eq(after[0], after[1]);
        boolean sameAsBaseline = eq(baseline, after[1]);
        boolean sameAgain = eq(baseline, again[1]);
        int firstDiff = baseline == null || after[1] == null ? -2 : Arrays.mismatch(baseline, after[1]);
        System.out.println("RESULT " + k.getName() + " first=" + len(first[1]) + " baseline=" + len(baseline)
                + " hooked=" + len(hooked[1]) + " after=" + len(after[1])
                + " firstIsBaseline=" + eq(first[1], baseline)
                + " baselinePassedThrough=" + baselinePassedThrough
                + " hookedDiffers=" + hookedDiffers + " afterPassedThrough=" + afterPassedThrough
                + " sameAsBaseline=" + sameAsBaseline + " sameAgain=" + sameAgain + " firstDiff=" + firstDiff
                + " calls=" + n + " late=" + late + " enabledWhile=" + enabledWhile + " enabledAfter=" + enabledAfter);
        return baselinePassedThrough && hookedDiffers && afterPassedThrough && sameAsBaseline && sameAgain && n > 0
                && late == 0 && enabledWhile == 1 && enabledAfter == 0;
    }

    private static boolean eq(byte[] a, byte[] b) {
        return a != null && b != null && Arrays.equals(a, b);
    }

    private static int len(byte[] b) {
        return b == null ? -1 : b.length;
    }

    /**
     * Runs {@code action} (a register or unregister, which retransforms the class), or retransforms
     * the class itself when it is null; {@return the bytes offered to the PRE and POST transformers
     * (an element is null if that transformer was offered none)}
     */
    private static byte[][] capture(Instrumentation inst, Class<?> k, Runnable action) throws Exception {
        CaptureAgent.PRE.last = null;
        CaptureAgent.POST.last = null;
        int pre = CaptureAgent.PRE.seen;
        int post = CaptureAgent.POST.seen;
        if (action == null) {
            inst.retransformClasses(k);
        } else {
            action.run();
        }
        return new byte[][] {
            CaptureAgent.PRE.seen == pre ? null : CaptureAgent.PRE.last,
            CaptureAgent.POST.seen == post ? null : CaptureAgent.POST.last,
        };
    }
}
