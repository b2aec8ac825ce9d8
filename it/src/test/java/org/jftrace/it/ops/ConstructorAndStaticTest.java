package org.jftrace.it.ops;

import static org.jftrace.it.ops.OpsSupport.namesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntSupplier;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC 1: constructors ({@code <init>}), static methods and static initialisers ({@code <clinit>}) are functions. */
class ConstructorAndStaticTest {

    static final class Point {
        final int x;
        final int y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }

        Point() {
            this(7, 8); // chains to Point(int,int)
        }

        static int manhattan(int x, int y) {
            return Math.abs(x) + Math.abs(y);
        }
    }

    /** First loaded (by name) inside the clinit test, after its ops is registered. */
    static final class WithStaticInit implements IntSupplier {
        static final int VALUE;

        static {
            VALUE = Integer.parseInt("17");
        }

        @Override
        public int getAsInt() {
            return VALUE;
        }
    }

    static final String POINT = "org.jftrace.it.ops.ConstructorAndStaticTest$Point";
    static final String STATIC_INIT = "org.jftrace.it.ops.ConstructorAndStaticTest$WithStaticInit";

    private final List<FtraceOps> cleanup = new ArrayList<>();

    @BeforeAll
    static void load() {
        new Point();
        Point.manhattan(0, 0);
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps recording(Queue<Long> ips) {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip));
        cleanup.add(ops);
        return ops;
    }

    @Test
    // a constructor overload picked by its parameter list calls back once per construction, also when reached through this(...)
    void constructorIsHookable() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = recording(ips);
        Ftrace.ftraceSetFilter(ops, POINT + ".<init>(int,int)", false);
        Ftrace.registerFtraceFunction(ops);

        Point p = new Point(3, 4);
        Point q = new Point(); // runs <init>() then <init>(int,int)
        assertEquals(3, p.x);
        assertEquals(4, p.y);
        assertEquals(7, q.x);
        assertEquals(8, q.y);
        assertEquals(List.of(POINT + ".<init>", POINT + ".<init>"), namesOf(ips));
        FunctionInfo fi = Ftrace.lookup(ips.peek()).orElseThrow();
        assertEquals("<init>", fi.methodName());
        assertEquals("(int,int)", fi.parameters());
        assertEquals("(II)V", fi.descriptor());
    }

    @Test
    // every constructor overload (<init> without a parameter list) is hooked: new Point() calls back twice
    void allConstructorOverloads() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = recording(ips);
        Ftrace.ftraceSetFilter(ops, POINT + ".<init>", false);
        Ftrace.registerFtraceFunction(ops);
        new Point();
        List<String> sigs = new ArrayList<>();
        for (Long ip : ips) {
            sigs.add(Ftrace.lookup(ip).orElseThrow().signature());
        }
        assertEquals(List.of(POINT + ".<init>()", POINT + ".<init>(int,int)"), sigs);
    }

    @Test
    // a static method calls back once per call and returns its result
    void staticMethodIsHookable() {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = recording(ips);
        Ftrace.ftraceSetFilter(ops, POINT + ".manhattan", false);
        Ftrace.registerFtraceFunction(ops);
        assertEquals(7, Point.manhattan(3, -4));
        assertEquals(List.of(POINT + ".manhattan"), namesOf(ips));
    }

    @Test
    // a JDK constructor (java.util.ArrayList.<init>(int), static-call hook, before super()) calls back and constructs normally
    void jdkConstructorIsHookable() {
        OpsSupport.Window window = new OpsSupport.Window();
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> {
            if (window.inside()) {
                ips.add(ip);
            }
        });
        cleanup.add(ops);
        Ftrace.ftraceSetFilter(ops, "java.util.ArrayList.<init>(int)", false);
        Ftrace.registerFtraceFunction(ops);
        List<List<String>> made = new ArrayList<>();
        window.run(() -> {
            made.add(new ArrayList<>(5));
            made.add(new ArrayList<>()); // <init>(): not selected
        });
        made.get(0).add("ok");
        assertEquals(List.of("ok"), made.get(0));
        assertEquals(List.of("java.util.ArrayList.<init>"), namesOf(ips));
        assertEquals("(int)", Ftrace.lookup(ips.peek()).orElseThrow().parameters());
    }

    @Test
    // a static initialiser of a class first loaded after register (pending pattern) calls back exactly once
    void staticInitialiserOfLaterClassIsHookable() throws Exception {
        Queue<Long> ips = new ConcurrentLinkedQueue<>();
        FtraceOps ops = recording(ips);
        Ftrace.ftraceSetFilterPending(ops, STATIC_INIT + ".<clinit>", false);
        Ftrace.registerFtraceFunction(ops);

        Class<?> k = Class.forName(STATIC_INIT, true, getClass().getClassLoader());
        IntSupplier s = (IntSupplier) k.getDeclaredConstructor().newInstance();
        assertEquals(17, s.getAsInt());
        assertEquals(17, s.getAsInt());
        assertEquals(List.of(STATIC_INIT + ".<clinit>"), namesOf(ips));
    }
}
