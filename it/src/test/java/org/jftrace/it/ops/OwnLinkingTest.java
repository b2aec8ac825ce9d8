package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.it.ItSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 6: jftrace's own work on a program's thread fires no callback. The first call of a
 * hooked method used to link an invokedynamic there, and the JDK's linking code (String.toString,
 * ConcurrentHashMap.get, Objects.hash, Module.isExported, ...) ran outside the recursion guard: an
 * ops tracing those methods saw calls the program never made. A plain hook now calls an entry that
 * jftrace linked on its own thread; and the first call no longer resolves that entry class through
 * the program's class loader (its loadClass ran ConcurrentHashMap.putVal there): jftrace resolves
 * the boot bridge classes a hooked class names through its loader when it hooks it.
 */
class OwnLinkingTest {

    static final class Target {
        static int first(int x) {
            return x + 1; // calls nothing: any callback on this thread during the call is jftrace's
        }
    }

    static final String FIRST = "org.jftrace.it.ops.OwnLinkingTest$Target.first";
    /** JDK methods that the JDK's call-site linking runs (JDK 17 and 25). */
    static final String[] LINKING = {
        "java.lang.String.toString", "java.lang.String.hashCode", "java.lang.String.equals",
        "java.util.concurrent.ConcurrentHashMap.get", "java.util.concurrent.ConcurrentHashMap.putVal",
        "java.util.Objects.hash", "java.util.Arrays.hashCode", "java.lang.Module.isExported",
        "java.lang.Module.isNamed", "java.lang.Class.getName", "java.lang.Class.getModule",
        "java.lang.StringConcatHelper.*", "java.util.HashMap.get", "java.util.HashMap.put",
    };

    private static volatile Thread watching;
    private final AtomicInteger ownCalls = new AtomicInteger();
    private final List<String> seen = new ArrayList<>();
    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        Target.first(0);
    }

    @AfterEach
    void unregisterAll() {
        ItSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps jdkWatcher() {
        FtraceOps jdk = FtraceOps.builder((ip, parentIp, op, regs) -> {
            if (Thread.currentThread() == watching) {
                ownCalls.incrementAndGet();
                watching = null; // look the name up outside: the lookup runs traced JDK code too
                synchronized (seen) {
                    seen.add(Long.toHexString(ip));
                }
            }
        }).flags(FtraceOps.Flag.RECURSION_SAFE).name("jdk-watcher").build();
        for (String glob : LINKING) {
            Ftrace.ftraceSetFilter(jdk, glob, false);
        }
        cleanup.add(jdk);
        Ftrace.registerFtraceFunction(jdk);
        return jdk;
    }

    private int firstCallWatched() {
        watching = Thread.currentThread();
        int r = Target.first(41);
        watching = null;
        return r;
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        synchronized (seen) {
            for (String ip : seen) {
                out.add(Ftrace.lookup(Long.parseUnsignedLong(ip, 16)).map(Object::toString).orElse(ip));
            }
        }
        return out;
    }

    @Test
    void theFirstCallAfterEachRelinkRunsNoTracedJdkCodeOnTheProgramsThread() {
        jdkWatcher();
        AtomicInteger hooked = new AtomicInteger();
        FtraceOps plain = FtraceOps.builder((ip, parentIp, op, regs) -> hooked.incrementAndGet())
                .filter(FIRST).name("plain").build();
        cleanup.add(plain);
        Ftrace.registerFtraceFunction(plain);
        assertEquals(42, firstCallWatched());
        assertEquals(1, hooked.get(), "the hooked call's own callback ran");
        assertEquals(0, ownCalls.get(), () -> "callbacks from jftrace's own linking: " + names());

        // A second ops on the method (another set of ops, another entry) and a RECURSION_SAFE one.
        FtraceOps safe = FtraceOps.builder((ip, parentIp, op, regs) -> hooked.incrementAndGet())
                .filter(FIRST).flags(FtraceOps.Flag.RECURSION_SAFE).name("safe").build();
        cleanup.add(safe);
        Ftrace.registerFtraceFunction(safe);
        assertEquals(42, firstCallWatched());
        assertEquals(3, hooked.get(), "both callbacks ran");
        assertEquals(0, ownCalls.get(), () -> "callbacks from jftrace's own relinking: " + names());

        Ftrace.unregisterFtraceFunction(plain);
        assertEquals(42, firstCallWatched());
        assertEquals(4, hooked.get());
        assertEquals(0, ownCalls.get(), () -> "callbacks after an unregister's relink: " + names());
    }
}
