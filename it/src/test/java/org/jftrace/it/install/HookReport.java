package org.jftrace.it.install;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;

/**
 * What every install-path target does once the agent is in: registers a PARENT_IP ops on
 * {@code Greeter.greet} and {@code java.util.HashMap.get}, calls them from known places on the main
 * thread and prints one line per callback seen there:
 * {@code EVENT <ip name>|<parent class>.<parent method>|<parent bci>|<parent line>}, plus the source
 * lines of the call sites ({@code LINES ...}) and a summary. A callback that ran inside the JVM's
 * linking of a call site (jftrace's invokedynamic hook site is linked at the first call of a newly
 * hooked method) gets the suffix {@code |linking}.
 */
public final class HookReport {
    private static final int MAX = 1000;
    private static final long[] IPS = new long[MAX];
    private static final long[] PARENTS = new long[MAX];
    /** Whether the call ran inside the JVM's linking of a call site (a frame of MethodHandleNatives.linkCallSite). */
    private static final boolean[] LINKING = new boolean[MAX];
    private static volatile boolean armed;
    private static int count;
    private static int overflow;
    private static Thread main;

    private HookReport() {
    }

    /** {@return the source line of the caller} */
    static int here() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    private static boolean fromCallSiteLinking() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().equals("java.lang.invoke.MethodHandleNatives") && e.getMethodName().startsWith("linkCallSite")) {
                return true;
            }
        }
        return false;
    }

    public static void run(String how) {
        main = Thread.currentThread();
        Map<String, String> map = new HashMap<>();
        map.put("k", "v");
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (armed && Thread.currentThread() == main) {
                if (count < MAX) {
                    IPS[count] = ip;
                    PARENTS[count] = parentIp;
                    LINKING[count] = fromCallSiteLinking();
                    count++;
                } else {
                    overflow++;
                }
            }
        }).withFlags(FtraceOps.Flag.PARENT_IP).withName("install-" + how);

        // Warm up: every class and call site of the measured sequence is loaded and linked once.
        for (int i = 0; i < 2; i++) {
            sequence(map);
        }
        Ftrace.ftraceSetFilter(ops, "org.jftrace.it.install.Greeter.greet", false);
        Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
        Ftrace.registerFtraceFunction(ops);
        System.out.println("ENABLED " + Ftrace.enabledFunctions().size());
        int[] lines = sequence(map);
        int during = count;
        Ftrace.unregisterFtraceFunction(ops);
        sequence(map);
        int after = count - during;

        System.out.println("LINES greet=" + lines[0] + " get=" + lines[1] + " lookup=" + Greeter.GET_LINE);
        for (int i = 0; i < during; i++) {
            Optional<FunctionInfo> f = Ftrace.lookup(IPS[i]);
            Optional<FunctionInfo> p = Ftrace.lookup(PARENTS[i]);
            System.out.println("EVENT " + f.map(FunctionInfo::name).orElse("?" + Long.toHexString(IPS[i])) + "|"
                    + p.map(x -> x.className() + "." + x.methodName() + "|" + x.bci() + "|" + x.line())
                            .orElse("?" + Long.toHexString(PARENTS[i]))
                    + (LINKING[i] ? "|linking" : ""));
        }
        List<?> enabledAfter = Ftrace.enabledFunctions();
        System.out.println("SUMMARY how=" + how + " during=" + during + " after=" + after + " overflow=" + overflow
                + " errors=" + Ftrace.callbackErrors(ops) + " enabledAfter=" + enabledAfter.size()
                + " registered=" + Ftrace.isRegistered(ops));
    }

    /**
     * The measured calls: 3 x greet and 2 x HashMap.get from here, 1 x HashMap.get from
     * Greeter.lookup, and calls of methods that are not hooked. {@return the call sites' lines}
     */
    private static int[] sequence(Map<String, String> map) {
        int base = here();
        armed = true;
        for (int i = 0; i < 3; i++) {
            Greeter.greet("abc");
        }
        for (int i = 0; i < 2; i++) {
            map.get("k");
        }
        Greeter.lookup(map, "k");
        Greeter.other("abc");
        map.containsKey("k");
        map.put("k", "v");
        armed = false;
        return new int[] {base + 3, base + 6};
    }
}
