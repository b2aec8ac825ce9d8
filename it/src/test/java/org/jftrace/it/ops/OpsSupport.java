package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the ops tests: errno assertions, ip names, cleanup, blast-radius limits. */
final class OpsSupport {
    private OpsSupport() {
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

    /** {@return the function names of {@code ips}, in order} */
    static List<String> namesOf(Collection<Long> ips) {
        List<String> out = new ArrayList<>();
        for (Long ip : ips) {
            out.add(nameOf(ip));
        }
        return out;
    }

    /** Unregisters every ops of {@code ops} that is registered (for @AfterEach / finally blocks). */
    static void unregisterQuietly(Collection<FtraceOps> ops) {
        org.jftrace.it.ItSupport.unregisterQuietly(ops);
    }

    /**
     * Puts on the notrace list of {@code ops} every function whose name does not start with
     * {@code prefix} (one pending pattern per prefix character: {@code head[!c]*}), so that an ops
     * with an empty filter can only ever hook methods of the test's own nested classes.
     * {@code prefix} must hold only letters, digits, '.', '_' and '$'.
     */
    static void notraceAllBut(FtraceOps ops, String prefix) {
        org.jftrace.it.ItSupport.notraceAllBut(ops, prefix);
    }

    /** {@return the source line of the call to this method} */
    static int callerLine() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    /**
     * Arms a callback for one thread for the duration of a block: JDK methods are called on every
     * thread of the test JVM (JUnit's included), so callbacks on JDK methods count only calls made
     * on the armed thread while it is armed.
     */
    static final class Window {
        private volatile Thread armed;

        /** {@return whether the calling thread is inside {@link #run}} */
        boolean inside() {
            return armed == Thread.currentThread();
        }

        /** Runs {@code block} with the calling thread armed. */
        void run(Runnable block) {
            arm();
            try {
                block.run();
            } finally {
                disarm();
            }
        }

        /** Arms the calling thread. */
        void arm() {
            armed = Thread.currentThread();
        }

        /** Disarms. */
        void disarm() {
            armed = null;
        }
    }
}
