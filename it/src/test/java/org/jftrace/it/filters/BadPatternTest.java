package org.jftrace.it.filters;

import static org.jftrace.it.filters.FilterSupport.expectErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntSupplier;
import java.util.zip.Adler32;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 3.3: malformed and unmatched patterns are EINVAL and change nothing (not even reset); pending patterns wait for the class. */
class BadPatternTest {

    static final class T {
        static int a() {
            return 1;
        }

        static int b() {
            return 2;
        }
    }

    static final String A = "org.jftrace.it.filters.BadPatternTest$T.a";
    static final String B = "org.jftrace.it.filters.BadPatternTest$T.b";
    static final String MALFORMED = "org.jftrace.it.[Foo";
    static final String UNMATCHED = "org.jftrace.it.filters.BadPatternTest$T.noSuchMethod";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        T.a();
        T.b();
    }

    @AfterEach
    void unregisterAll() {
        FilterSupport.unregisterQuietly(cleanup);
    }

    private FilterSupport.Recorder registeredOnA(String name) {
        FilterSupport.Recorder r = new FilterSupport.Recorder(name);
        cleanup.add(r.ops);
        Ftrace.ftraceSetFilter(r.ops, A, false);
        Ftrace.registerFtraceFunction(r.ops);
        assertEquals(3, T.a() + T.b());
        assertEquals(List.of(A), r.drain());
        return r;
    }

    @Test
    // an unterminated '[' is EINVAL with the column (16) in the message, for filter (with and without reset) and notrace; the old filter still applies
    void malformedPatternIsEinvalWithColumnAndChangesNothing() {
        FilterSupport.Recorder r = registeredOnA("malformed");
        FtraceException e = expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, MALFORMED, true));
        assertTrue(e.getMessage().contains("column 16"), () -> "message should point at the '[': " + e.getMessage());
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, MALFORMED, false));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilterPending(r.ops, MALFORMED, true));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetNotrace(r.ops, MALFORMED, false));

        assertTrue(Ftrace.isRegistered(r.ops));
        assertEquals(3, T.a() + T.b());
        assertEquals(List.of(A), r.drain(), "the requested reset did not happen; the filter is still [a]");
    }

    @Test
    // a pattern matching no loaded method is EINVAL and changes nothing, not even the requested reset
    void unmatchedPatternIsEinvalAndChangesNothing() {
        FilterSupport.Recorder r = registeredOnA("unmatched");
        FtraceException e = expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, UNMATCHED, true));
        assertTrue(e.getMessage().contains(UNMATCHED), e.getMessage());
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, UNMATCHED, false));
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetNotrace(r.ops, UNMATCHED, true));

        assertEquals(3, T.a() + T.b());
        assertEquals(List.of(A), r.drain(), "the filter is still [a]");
    }

    @Test
    // ftraceSetFilterPending accepts a pattern for a class not loaded yet: the ops traces nothing, then hooks the class when it loads
    void pendingPatternHooksClassWhenItLoads() throws Exception {
        assertFalse(Ftrace.availableFilterFunctions().stream().anyMatch(f -> f.className().equals(PendingLoadedLater.NAME)),
                "precondition: the class is not loaded yet");
        String pattern = PendingLoadedLater.NAME + ".getAsInt";
        FilterSupport.Recorder r = new FilterSupport.Recorder("pending");
        cleanup.add(r.ops);
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(r.ops, pattern, false));
        Ftrace.ftraceSetFilterPending(r.ops, pattern, false);
        Ftrace.registerFtraceFunction(r.ops);

        assertEquals(3, T.a() + T.b());
        assertEquals(List.of(), r.drain(), "a pending pattern makes the filter non-empty: nothing is traced yet");

        Class<?> k = Class.forName(PendingLoadedLater.NAME, true, getClass().getClassLoader());
        IntSupplier s = (IntSupplier) k.getDeclaredConstructor().newInstance();
        assertEquals(99, s.getAsInt());
        assertEquals(99, s.getAsInt());
        assertEquals(List.of(pattern, pattern), r.drain());
    }

    @Test
    // a pending pattern naming a JDK class not loaded yet (java.util.zip.Adler32) hooks it when it loads (boot loader, static-call hook)
    void pendingPatternHooksJdkClassWhenItLoads() {
        String cls = "java.util.zip.Adler32";
        assertFalse(Ftrace.availableFilterFunctions().stream().anyMatch(f -> f.className().equals(cls)),
                "precondition: " + cls + " is not loaded yet in this JVM");
        FilterSupport.Window window = new FilterSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                ips.add(ip);
            }
        });
        cleanup.add(ops);
        expectErrno(Errno.EINVAL, () -> Ftrace.ftraceSetFilter(ops, cls + ".update(int)", false));
        Ftrace.ftraceSetFilterPending(ops, cls + ".update(int)", false);
        Ftrace.registerFtraceFunction(ops);

        long[] got = new long[1];
        window.run(() -> {
            Adler32 a = new Adler32(); // loads the class
            a.update(1);
            a.update(new byte[] {2}); // another overload: not selected
            got[0] = a.getValue();
        });
        Adler32 check = new Adler32();
        check.update(1);
        check.update(new byte[] {2});
        assertEquals(check.getValue(), got[0]);
        assertEquals(1, ips.size(), () -> "callbacks: " + ips.size());
        assertEquals(cls + ".update(int)", Ftrace.lookup(ips.peek()).orElseThrow().signature());
        assertEquals("java.base", Ftrace.lookup(ips.peek()).orElseThrow().module());
    }
}
