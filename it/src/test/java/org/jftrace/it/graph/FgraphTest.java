package org.jftrace.it.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Errno;
import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.Registration;
import org.junit.jupiter.api.Test;

/**
 * Exit hooks (issue 14) in a JVM with the agent: a known call tree with every way out, on several
 * threads at once; the unregister rule for both handlers; JDK methods; return values with SAVE_REGS.
 */
class FgraphTest {

    @org.junit.jupiter.api.BeforeAll
    static void loadTheTree() {
        assertEquals(3, GraphTree.leaf(1)); // loaded (not GraphTree$Init: it loads hooked, later)
    }

    /** One handler event, as seen on one thread. */
    record Event(boolean entry, String name, int depth, long data, FgraphOps.Exit exit, Object value, long bits) {
    }

    /** Records every entry and exit per thread; the data of an entry is a fresh number. */
    static final class Recorder {
        final Map<Thread, List<Event>> byThread = Collections.synchronizedMap(new HashMap<>());
        final AtomicLong next = new AtomicLong(1);
        volatile boolean on = true;

        List<Event> of(Thread t) {
            return byThread.computeIfAbsent(t, k -> Collections.synchronizedList(new ArrayList<>()));
        }

        FgraphOps.Builder ops() {
            return FgraphOps.builder((ip, parent, depth, g) -> {
                if (!on) {
                    return FgraphOps.NO_EXIT;
                }
                long d = next.getAndIncrement();
                of(Thread.currentThread()).add(new Event(true, name(ip), depth, d, null, null, 0));
                return d;
            }, (ip, data, depth, exit, value, bits, g) ->
                    of(Thread.currentThread()).add(new Event(false, name(ip), depth, data, exit, value, bits)));
        }
    }

    static String name(long ip) {
        return Ftrace.lookup(ip).map(FunctionInfo::name).orElse("?");
    }

    /** Every entry has exactly one exit, in stack order, same name and depth, its own data; depth = stack height. */
    static void assertWellNested(List<Event> events) {
        Deque<Event> open = new ArrayDeque<>();
        for (Event e : events) {
            if (e.entry()) {
                assertEquals(open.size(), e.depth(), "depth of " + e + " after " + open);
                open.push(e);
            } else {
                Event in = open.pop();
                assertEquals(in.name(), e.name(), "exit of " + e + " closes " + in);
                assertEquals(in.data(), e.data(), "the entry's data reaches its exit: " + e);
                assertEquals(in.depth(), e.depth());
            }
        }
        assertTrue(open.isEmpty(), "entries without exits: " + open);
    }

    private static List<String> lines(List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            String n = e.name().replace("org.jftrace.it.graph.", "");
            out.add(e.entry() ? "> " + n : "< " + n + (e.exit() == FgraphOps.Exit.THROW
                    ? " !" + e.value().getClass().getSimpleName() : ""));
        }
        return out;
    }

    @Test
    void aKnownCallTreeHasOneExitPerEntryInStackOrderOnEveryThread() throws Exception {
        Recorder rec = new Recorder();
        FgraphOps g = rec.ops().filter("org.jftrace.it.graph.GraphTree*").build();
        try (Registration r = Ftrace.register(g.ops())) {
            assertEquals(GraphTree.root(2) , 6 - 1 + 3 + 2 + 42 + 1);
            List<Event> ev = new ArrayList<>(rec.of(Thread.currentThread()));
            assertWellNested(ev);
            List<String> expected = new ArrayList<>(List.of("> GraphTree.root",
                    "> GraphTree.leaf", "< GraphTree.leaf",
                    "> GraphTree.catcher", "> GraphTree.middle", "> GraphTree.thrower",
                    "< GraphTree.thrower !IllegalStateException", "< GraphTree.middle !IllegalStateException",
                    "< GraphTree.catcher"));
            fibTrace(4, expected);
            expected.addAll(List.of(
                    "> GraphTree.<init>", "< GraphTree.<init>",
                    "> GraphTree$Init.<clinit>", "> GraphTree$Init.compute", "< GraphTree$Init.compute",
                    "< GraphTree$Init.<clinit>",
                    "> GraphTree.<init>", "< GraphTree.<init> !NumberFormatException",
                    "< GraphTree.root"));
            assertEquals(expected, lines(ev));

            // escaping to the top: the test catches it
            rec.byThread.clear();
            assertThrows(IllegalStateException.class, () -> GraphTree.escape(1));
            assertEquals(List.of("> GraphTree.escape", "> GraphTree.thrower", "< GraphTree.thrower !IllegalStateException",
                    "< GraphTree.escape !IllegalStateException"), lines(rec.of(Thread.currentThread())));

            // several threads interleaved: each thread's own sequence is well nested
            rec.byThread.clear();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    for (int k = 0; k < 200; k++) {
                        GraphTree.root(k % 3);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (Thread t : threads) {
                List<Event> tev = new ArrayList<>(rec.of(t));
                assertWellNested(tev);
                assertEquals(200 * (expected.size() - 4), tev.size(), "events of " + t.getName() + " (Init ran once, before)");
            }
        }
    }

    private static void fibTrace(int k, List<String> out) {
        out.add("> GraphTree.fib");
        if (k >= 2) {
            fibTrace(k - 1, out);
            fibTrace(k - 2, out);
        }
        out.add("< GraphTree.fib");
    }

    @Test
    void afterUnregisterNoHandlerRunsAndAnExitOpenAtUnregisterIsNeverDelivered() throws Exception {
        Recorder rec = new Recorder();
        FgraphOps g = rec.ops().filter("org.jftrace.it.graph.GraphTree.blocked", "org.jftrace.it.graph.GraphTree.leaf")
                .build();
        Ftrace.registerFgraph(g);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                GraphTree.blocked(entered, release);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        entered.await();
        Ftrace.unregisterFgraph(g);
        release.countDown();
        t.join();
        // The rule jftrace keeps: an exit whose entry ran before unregister and that had not run when
        // unregister returned is never delivered.
        assertEquals(List.of("> GraphTree.blocked"), lines(rec.of(t)));
        GraphTree.leaf(1);
        assertEquals(List.of(), rec.of(Thread.currentThread()), "no entry after unregister");
        assertTrue(Ftrace.enabledFunctions().stream().noneMatch(f -> f.function().name().contains("GraphTree")),
                "original bytecode back: " + Ftrace.enabledFunctions());
    }

    /** A handler holding a buffer, as a tracer's handlers hold its ring buffer. */
    static final class Holding implements org.jftrace.FgraphEntryFunc {
        final byte[] buffer = new byte[1 << 20];
        long calls;

        @Override
        public long entry(long ip, long parentIp, int depth, FgraphOps ops) {
            calls++;
            return 0L;
        }
    }

    @Test
    void aChurnOfExitHookOpsKeepsNoneOfTheirHandlers() throws Exception {
        List<java.lang.ref.WeakReference<Holding>> gone = new ArrayList<>();
        Map<String, Integer> map = new HashMap<>(Map.of("k", 1));
        for (int i = 0; i < 100; i++) {
            Holding h = new Holding();
            FgraphOps g = FgraphOps.builder(h, (ip, data, depth, exit, value, bits, o) -> { }).name("churn-" + i)
                    .filter("org.jftrace.it.graph.GraphTree.leaf", "java.util.HashMap.get").build();
            Ftrace.registerFgraph(g);
            GraphTree.leaf(1);
            map.get("k");
            Ftrace.unregisterFgraph(g);
            assertTrue(h.calls >= 2, "the exit hooks ran: " + h.calls);
            gone.add(new java.lang.ref.WeakReference<>(h));
        }
        for (int attempt = 0; attempt < 100 && gone.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        // Each set's generated class held its ops' handlers in static finals: 100 MiB kept before the fix.
        assertEquals(0, gone.stream().filter(r -> r.get() != null).count(), "handlers of unregistered exit-hook ops still held");
    }

    @Test
    void jdkMethodsShowExitsTheSecondByException() {
        Recorder rec = new Recorder();
        FgraphOps g = rec.ops().filter("java.util.HashMap.get", "java.lang.Integer.parseInt(java.lang.String)").build();
        Map<String, Integer> map = new HashMap<>();
        map.put("k", 1);
        try (Registration r = Ftrace.register(g.ops())) {
            rec.byThread.clear();
            assertEquals(1, map.get("k"));
            assertThrows(NumberFormatException.class, () -> Integer.parseInt("x1"));
            rec.on = false;
            List<Event> mine = new ArrayList<>(rec.of(Thread.currentThread()));
            List<String> l = lines(mine);
            assertTrue(l.containsAll(List.of("> java.util.HashMap.get", "< java.util.HashMap.get",
                    "> java.lang.Integer.parseInt", "< java.lang.Integer.parseInt !NumberFormatException")), l.toString());
            assertWellNested(mine);
        }
    }

    @Test
    void saveRegsHandsTheReturnValueToTheReturnHandlerWithoutBoxing() {
        Recorder rec = new Recorder();
        FgraphOps g = rec.ops().flags(FtraceOps.Flag.SAVE_REGS)
                .filter("org.jftrace.it.graph.GraphTree.text", "org.jftrace.it.graph.GraphTree.leaf",
                        "org.jftrace.it.graph.GraphTree.ratio").build();
        try (Registration r = Ftrace.register(g.ops())) {
            assertEquals("t5", GraphTree.text(5));
            assertEquals(15, GraphTree.leaf(5));
            assertEquals(1.25, GraphTree.ratio(5));
        }
        List<Event> ev = rec.of(Thread.currentThread());
        assertEquals("t5", ev.get(1).value());
        assertEquals(15L, ev.get(3).bits());
        assertEquals(Double.doubleToRawLongBits(1.25), ev.get(5).bits());
        // without SAVE_REGS the handler gets neither
        Recorder plain = new Recorder();
        try (Registration r = Ftrace.register(plain.ops().filter("org.jftrace.it.graph.GraphTree.text").build().ops())) {
            GraphTree.text(5);
        }
        Event exit = plain.of(Thread.currentThread()).get(1);
        assertEquals(null, exit.value());
        assertEquals(0L, exit.bits());
    }

    @Test
    void anExitOpsOnAMethodWithAnEntryHookAddsAndGoesWithoutDisturbingIt() {
        AtomicLong entries = new AtomicLong();
        FtraceOps plain = FtraceOps.builder((ip, p, op, regs) -> entries.incrementAndGet())
                .filter("org.jftrace.it.graph.GraphTree.leaf").build();
        Recorder rec = new Recorder();
        FgraphOps g = rec.ops().filter("org.jftrace.it.graph.GraphTree.leaf").build();
        try (Registration a = Ftrace.register(plain)) {
            GraphTree.leaf(1);
            try (Registration b = Ftrace.register(g.ops())) {
                GraphTree.leaf(2);
                assertEquals(List.of(2), Ftrace.enabledFunctions().stream()
                        .filter(f -> f.function().name().equals("org.jftrace.it.graph.GraphTree.leaf"))
                        .map(f -> f.opsCount()).toList(), "one method, both ops");
            }
            GraphTree.leaf(3);
            assertEquals(3, entries.get());
            assertEquals(List.of("> GraphTree.leaf", "< GraphTree.leaf"), lines(rec.of(Thread.currentThread())));
        }
        assertTrue(Ftrace.enabledFunctions().stream().noneMatch(f -> f.function().name().contains("GraphTree")));
    }

    @Test
    void aTimingPairPassesTheClockFromEntryToExit() {
        AtomicLong total = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        FgraphOps g = FgraphOps.builder((ip, p, d, o) -> System.nanoTime(),
                (ip, t0, d, exit, v, bits, o) -> {
                    total.addAndGet(System.nanoTime() - t0);
                    calls.incrementAndGet();
                }).flags(FtraceOps.Flag.RECURSION_SAFE).filter("org.jftrace.it.graph.GraphTree.fib").build();
        try (Registration r = Ftrace.register(g.ops())) {
            assertEquals(55, GraphTree.fib(10));
        }
        assertEquals(177, calls.get());
        assertTrue(total.get() > 0);
    }

    @Test
    void exitHookOpsRefuseFlagsThatDoNotApply() {
        assertThrows(IllegalArgumentException.class, () -> new Recorder().ops().flags(FtraceOps.Flag.IPMODIFY));
        FgraphOps g = new Recorder().ops().build();
        FtraceOps withIpmodify = g.ops().withFlags(FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.SAVE_REGS);
        FtraceException e = assertThrows(FtraceException.class, () -> Ftrace.registerFtraceFunction(withIpmodify));
        assertEquals(Errno.EINVAL, e.errno());
    }
}
