package org.jftrace.it.filters;

import static org.jftrace.it.filters.FilterSupport.expectErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.4: ftraceSetFilterIp adds or removes exactly one method by ip; lookupIp's errors. */
class FilterIpTest {

    static final class T {
        static int over(int x) {
            return x;
        }

        static int over(String s) {
            return s.length();
        }

        static int other() {
            return 10;
        }
    }

    static final String CLASS = "org.jftrace.it.filters.FilterIpTest$T";
    static final String OVER_INT = CLASS + ".over(int)";
    static final String OVER_STRING = CLASS + ".over(java.lang.String)";
    static final String OTHER = CLASS + ".other()";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        callAll();
    }

    @AfterEach
    void unregisterAll() {
        FilterSupport.unregisterQuietly(cleanup);
    }

    private static int callAll() {
        return T.over(1) + T.over("abc") + T.other();
    }

    private FilterSupport.Recorder recorder(String name) {
        FilterSupport.Recorder r = new FilterSupport.Recorder(name);
        cleanup.add(r.ops);
        return r;
    }

    @Test
    // lookupIp with a parameter list names one overload; its ip added with ftraceSetFilterIp hooks exactly that method
    void filterIpAddsExactlyOneMethod() {
        long ip = Ftrace.lookupIp(OVER_INT);
        FunctionInfo fi = Ftrace.lookup(ip).orElseThrow();
        assertEquals(OVER_INT, fi.signature());
        assertEquals(ip, fi.ip());

        FilterSupport.Recorder r = recorder("filter-ip-add");
        Ftrace.ftraceSetFilterIp(r.ops, ip, false, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT), r.drainSignatures());

        Ftrace.ftraceSetFilterIp(r.ops, Ftrace.lookupIp(OTHER), false, false); // added while registered: at once
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT, OTHER), r.drainSignatures());

        Ftrace.ftraceSetFilterIp(r.ops, Ftrace.lookupIp(OVER_STRING), false, true); // reset: replaces the list
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_STRING), r.drainSignatures());
    }

    @Test
    // an ip that names no method (0, an unknown index, a call-site ip with a bci) is EINVAL and changes nothing, not even reset
    void ipNamingNoMethodIsEinval() {
        long overInt = Ftrace.lookupIp(OVER_INT);
        FilterSupport.Recorder r = recorder("filter-ip-bad");
        Ftrace.ftraceSetFilterIp(r.ops, overInt, false, false);
        Ftrace.registerFtraceFunction(r.ops);

        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilterIp(r.ops, 0L, false, true));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilterIp(r.ops, 0x7fff_ffffL << 16, false, true));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilterIp(r.ops, overInt | 3, false, true));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilterIp(r.ops, overInt | 3, true, false));

        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT), r.drainSignatures(), "the filter is unchanged");
    }

    @Test
    // removing an ip that is not in the filter is ENOENT; removing one that is stops its callbacks, the rest stays
    void removeByIp() {
        long overInt = Ftrace.lookupIp(OVER_INT);
        long other = Ftrace.lookupIp(OTHER);
        long overString = Ftrace.lookupIp(OVER_STRING);
        FilterSupport.Recorder r = recorder("filter-ip-remove");
        expectErrno(Errno.ENOENT, () -> Ftrace.ftraceSetFilterIp(r.ops, overInt, true, false)); // empty filter
        Ftrace.ftraceSetFilterIp(r.ops, overInt, false, false);
        Ftrace.ftraceSetFilterIp(r.ops, other, false, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT, OTHER), r.drainSignatures());

        expectErrno(Errno.ENOENT, () -> Ftrace.ftraceSetFilterIp(r.ops, overString, true, false));
        expectErrno(Errno.ENOENT, () -> Ftrace.ftraceSetFilterIp(r.ops, overInt, true, true)); // reset, then remove from nothing
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT, OTHER), r.drainSignatures(), "the failed removes changed nothing, not even the reset");

        Ftrace.ftraceSetFilterIp(r.ops, other, true, false);
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT), r.drainSignatures(), "the removed method stopped calling back");
        expectErrno(Errno.ENOENT, () -> Ftrace.ftraceSetFilterIp(r.ops, other, true, false));
    }

    @Test
    // lookupIp: an overloaded name without a parameter list is EINVAL; a missing method or class is ENOENT
    void lookupIpErrors() {
        expectErrno(Errno.EINVAL, () -> Ftrace.lookupIp(CLASS + ".over"));
        expectErrno(Errno.ENOENT, () -> Ftrace.lookupIp(CLASS + ".missing"));
        expectErrno(Errno.ENOENT, () -> Ftrace.lookupIp(CLASS + ".over(long)"));
        expectErrno(Errno.ENOENT, () -> Ftrace.lookupIp("org.jftrace.it.filters.NoSuchClass.run"));
        assertEquals(Ftrace.lookupIp(OTHER), Ftrace.lookupIp(CLASS + ".other"), "a unique name needs no parameter list");
        assertNotEquals(Ftrace.lookupIp(OVER_INT), Ftrace.lookupIp(OVER_STRING));
    }

    @Test
    // removing by ip a method that a glob put in the filter stops exactly that method; the glob's other methods stay
    void removeByIpFromGlobSelection() {
        FilterSupport.Recorder r = recorder("filter-ip-remove-from-glob");
        Ftrace.ftraceSetFilter(r.ops, CLASS + ".*", false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT, OVER_STRING, OTHER), r.drainSignatures());

        Ftrace.ftraceSetFilterIp(r.ops, Ftrace.lookupIp(OVER_STRING), true, false);
        assertEquals(14, callAll());
        assertEquals(List.of(OVER_INT, OTHER), r.drainSignatures());
        expectErrno(Errno.ENOENT, () -> Ftrace.ftraceSetFilterIp(r.ops, Ftrace.lookupIp(OVER_STRING), true, false));
    }
}
