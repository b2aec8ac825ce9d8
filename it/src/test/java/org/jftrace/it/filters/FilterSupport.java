package org.jftrace.it.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the filter tests. */
final class FilterSupport {
    private FilterSupport() {
    }

    /** An ops that records the ip of every callback, and the list it records into. */
    static final class Recorder {
        final Queue<Long> ips = new ConcurrentLinkedQueue<>();
        final FtraceOps ops;

        Recorder(String name) {
            this.ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip)).withName(name);
        }

        /** {@return the function names called back since the last call, and forgets them} */
        List<String> drain() {
            List<String> out = new ArrayList<>();
            Long ip;
            while ((ip = ips.poll()) != null) {
                out.add(nameOf(ip));
            }
            return out;
        }

        /** {@return the signatures (name with parameter list) called back since the last call, and forgets them} */
        List<String> drainSignatures() {
            List<String> out = new ArrayList<>();
            Long ip;
            while ((ip = ips.poll()) != null) {
                final long v = ip;
                out.add(Ftrace.lookup(v).map(FunctionInfo::signature).orElse("<unknown ip 0x" + Long.toHexString(v) + ">"));
            }
            return out;
        }
    }

    /** Asserts that {@code call} throws a FtraceException with {@code errno}; returns it. */
    static FtraceException expectErrno(Errno errno, Executable call) {
        FtraceException e = assertThrows(FtraceException.class, call);
        assertEquals(errno, e.errno(), () -> "wrong errno, message: " + e.getMessage());
        return e;
    }

    /** {@return the function name {@code ip} resolves to, or a marker naming the unknown ip} */
    static String nameOf(long ip) {
        return Ftrace.lookup(ip).map(FunctionInfo::name).orElse("<unknown ip 0x" + Long.toHexString(ip) + ">");
    }

    /** Unregisters every registered ops of {@code ops}; for @AfterEach. */
    static void unregisterQuietly(Collection<FtraceOps> ops) {
        org.jftrace.it.ItSupport.unregisterQuietly(ops);
    }

    /**
     * Puts on the notrace list of {@code ops} every function whose name does not start with
     * {@code prefix} (pending patterns {@code head[!c]*}, one per prefix character), so that an
     * empty filter can only hook the test's own classes. {@code prefix}: letters, digits, '.', '$'.
     */
    static void notraceAllBut(FtraceOps ops, String prefix) {
        org.jftrace.it.ItSupport.notraceAllBut(ops, prefix);
    }

    /** Counts calls on one armed thread only (JDK methods run on every thread of the test JVM). */
    static final class Window {
        private volatile Thread armed;

        boolean inside() {
            return armed == Thread.currentThread();
        }

        void run(Runnable block) {
            armed = Thread.currentThread();
            try {
                block.run();
            } finally {
                armed = null;
            }
        }
    }
}
