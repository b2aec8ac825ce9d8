package org.jftrace.tracers;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.jftrace.Errno;
import org.jftrace.FtraceException;

/** set_ftrace_pid for the JVM: ids, name globs, function-fork over platform and virtual threads. */
class ThreadFilterTest {

    @Test
    void globsMatchAsTheShellDoes() {
        assertTrue(new ThreadGlob("worker-*").matches("worker-12"));
        assertTrue(new ThreadGlob("worker-*").matches("worker-"));
        assertFalse(new ThreadGlob("worker-*").matches("worker"));
        assertTrue(new ThreadGlob("*-1?").matches("pool-3-thread-12"));
        assertFalse(new ThreadGlob("*-1?").matches("pool-3-thread-1"));
        assertTrue(new ThreadGlob("a*b*c").matches("aXXbYYbZc"));
        assertFalse(new ThreadGlob("a*b*c").matches("aXXbYYbZ"));
        assertTrue(new ThreadGlob("io-[0-3]").matches("io-2"));
        assertFalse(new ThreadGlob("io-[0-3]").matches("io-7"));
        assertTrue(new ThreadGlob("io-[!0-3]").matches("io-7"));
        assertTrue(new ThreadGlob("x[]]y").matches("x]y"));
        assertTrue(new ThreadGlob("a\\*").matches("a*"));
        assertFalse(new ThreadGlob("a\\*").matches("ab"));
        assertTrue(new ThreadGlob("*").matches(""));
        FtraceException e = assertThrows(FtraceException.class, () -> new ThreadGlob("io-[0-3"));
        assertTrue(e.getMessage().contains("the '[' at column 4 is not closed"), e.getMessage());
    }

    @Test
    void parsesIdsAndNames() {
        ThreadFilter f = ThreadFilter.parse(" 12, 5 worker-* main ", true);
        assertEquals(List.of(5L, 12L), f.tids());
        assertEquals(List.of("worker-*", "main"), f.names());
        assertTrue(f.fork());
        assertEquals("5 12 worker-* main", f.toString());
        FtraceException e = assertThrows(FtraceException.class, () -> ThreadFilter.parse("  ", false));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("set no filter (null)"), e.getMessage());
        e = assertThrows(FtraceException.class, () -> ThreadFilter.of(List.of(0L), List.of(), false));
        assertTrue(e.getMessage().contains("thread id 0 is not a Java thread id"), e.getMessage());
    }

    private static boolean tracedOn(ThreadFilter f, String name) throws InterruptedException {
        AtomicBoolean r = new AtomicBoolean();
        Thread t = new Thread(() -> r.set(f.traced()), name);
        t.start();
        t.join();
        return r.get();
    }

    @Test
    void selectsByIdOrName() throws Exception {
        @SuppressWarnings("deprecation")
        long me = Thread.currentThread().getId();
        ThreadFilter byId = ThreadFilter.of(List.of(me), List.of(), false);
        assertTrue(byId.traced());
        assertFalse(tracedOn(byId, "other"));
        ThreadFilter byName = ThreadFilter.of(List.of(), List.of("worker-*"), false);
        assertTrue(tracedOn(byName, "worker-1"));
        assertFalse(tracedOn(byName, "reader-1"));
    }

    /** A traced thread's children, and theirs, are traced with function-fork; without it they are not. */
    @Test
    void functionForkFollowsPlatformThreadsDown() throws Exception {
        for (boolean fork : new boolean[] {true, false}) {
            ThreadFilter f = ThreadFilter.of(List.of(), List.of("parent"), fork);
            AtomicReference<Boolean> child = new AtomicReference<>();
            AtomicReference<Boolean> grandchild = new AtomicReference<>();
            Thread parent = new Thread(() -> {
                assertTrue(f.traced());
                Thread c = new Thread(() -> {
                    child.set(f.traced());
                    Thread g = new Thread(() -> grandchild.set(f.traced()), "grandchild");
                    g.start();
                    join(g);
                }, "child");
                c.start();
                join(c);
            }, "parent");
            parent.start();
            parent.join();
            assertEquals(fork, child.get(), "child, fork=" + fork);
            assertEquals(fork, grandchild.get(), "grandchild, fork=" + fork);
            assertFalse(tracedOn(f, "unrelated"), "a thread the main thread starts is not followed");
        }
    }

    @Test
    void functionForkFollowsVirtualThreads() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+ (this is " + Runtime.version() + ")");
        ThreadFilter f = ThreadFilter.of(List.of(), List.of("parent"), true);
        AtomicReference<Boolean> child = new AtomicReference<>();
        AtomicReference<Boolean> stranger = new AtomicReference<>();
        Thread parent = new Thread(() -> {
            f.traced();
            join(startVirtual(() -> child.set(f.traced())));
        }, "parent");
        parent.start();
        parent.join();
        join(startVirtual(() -> stranger.set(f.traced())));
        assertTrue(child.get(), "a virtual thread the traced thread started");
        assertFalse(stranger.get(), "a virtual thread another thread started");
    }

    /** {@return bytes the current thread allocated so far (HotSpot's ThreadMXBean)} */
    static long allocated() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        @SuppressWarnings("deprecation")
        long id = Thread.currentThread().getId();
        return mx.getThreadAllocatedBytes(id);
    }

    /** The per-call check allocates nothing once the thread was seen (an object a call would show as 1.6 MB). */
    @Test
    void theCheckAllocatesNothingPerCall() {
        @SuppressWarnings("deprecation")
        long me = Thread.currentThread().getId();
        for (ThreadFilter f : new ThreadFilter[] {ThreadFilter.of(List.of(me + 1000, me), List.of("x-*", "[!a-z]*y"), false),
                ThreadFilter.of(List.of(me + 1000), List.of("nobody-*"), true), ThreadFilter.of(List.of(me), List.of(), true)}) {
            f.traced(); // the first check of a thread may take its thread-local entry
            // (the measurement itself costs some 800 bytes a round; an object a call would be 1.6 MB)
            int yes = 0;
            long bytes = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) { // the least of 5: steady state, compiled, no JIT noise
                yes = 0;
                long before = allocated();
                for (int i = 0; i < 100_000; i++) {
                    yes += f.traced() ? 1 : 0;
                }
                bytes = Math.min(bytes, allocated() - before);
            }
            assertTrue(bytes < 16_384, f + ": " + bytes + " bytes for 100,000 checks");
            assertEquals(f.tids().contains(me) ? 100_000 : 0, yes, f.toString());
        }
    }

    /** By reflection: the module compiles for Java 17, which has no virtual threads. */
    static Thread startVirtual(Runnable r) {
        try {
            return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
