package org.jftrace.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.TreeSet;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the API tests. */
final class ApiSupport {
    private ApiSupport() {
    }

    /** Asserts that {@code call} throws a FtraceException with {@code errno}; returns it. */
    static FtraceException expectErrno(Errno errno, Executable call) {
        FtraceException e = assertThrows(FtraceException.class, call);
        assertEquals(errno, e.errno(), () -> "wrong errno, message: " + e.getMessage());
        return e;
    }

    /** {@return the names of the methods whose name starts with {@code prefix} that carry a hook now} */
    static Set<String> hooked(String prefix) {
        Set<String> out = new TreeSet<>();
        for (EnabledFunction f : Ftrace.enabledFunctions()) {
            if (f.function().name().startsWith(prefix)) {
                out.add(f.function().name());
            }
        }
        return out;
    }

    /** {@return the enabled_functions line of method {@code name}, or null} */
    static EnabledFunction line(String name) {
        for (EnabledFunction f : Ftrace.enabledFunctions()) {
            if (f.function().name().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
