package org.jftrace.it.ops;

import static org.jftrace.it.ops.OpsSupport.namesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC 3.1/3.12: hooks on methods with awkward bytecode (a loop back to bytecode 0, an exception
 * handler covering the entry, synchronized, wide parameters, interface methods, instance methods)
 * verify, run once per call, and leave the method's behaviour (results, exceptions) unchanged.
 */
class UnusualMethodsTest {

    interface Shape {
        int sides();

        default int doubled() {
            return 2 * sides();
        }

        static int unit() {
            return 1;
        }
    }

    static final class Square implements Shape {
        private int touched;

        @Override
        public int sides() {
            return 4;
        }

        private int bump(long a, double b, int c) {
            touched++;
            return (int) (a + (long) b + c);
        }

        int callBump() {
            return bump(10L, 2.5, 3);
        }

        synchronized int locked(int x) {
            return x + touched;
        }
    }

    static final class Code {
        /** javac compiles a do-while with no statement before it so that bytecode 0 is the loop head. */
        static void countDown(int[] cell) {
            do {
                cell[0]--;
            } while (cell[0] > 0);
        }

        /** The handler covers bytecode 0. */
        static int parseOr(String s, int fallback) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }

        static int fail(int x) {
            if (x > 0) {
                throw new IllegalArgumentException("traced method's own exception " + x);
            }
            return x;
        }
    }

    static final String P = "org.jftrace.it.ops.UnusualMethodsTest$";

    private final List<FtraceOps> cleanup = new ArrayList<>();
    private final Queue<Long> ips = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void load() {
        Code.countDown(new int[] {1});
        Code.parseOr("1", 0);
        Code.fail(0);
        Square s = new Square();
        s.doubled();
        s.callBump();
        s.locked(0);
        Shape.unit();
    }

    @AfterEach
    void unregisterAll() {
        OpsSupport.unregisterQuietly(cleanup);
    }

    private void hook(String... patterns) {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip));
        cleanup.add(ops);
        for (String p : patterns) {
            Ftrace.ftraceSetFilter(ops, p, false);
        }
        Ftrace.registerFtraceFunction(ops);
    }

    @Test
    // a method whose bytecode 0 is a loop target calls back once per call, not once per iteration
    void loopToBytecodeZeroCallsBackOncePerCall() {
        hook(P + "Code.countDown");
        int[] cell = {5};
        Code.countDown(cell);
        assertEquals(0, cell[0]);
        assertEquals(List.of(P + "Code.countDown"), namesOf(ips));
    }

    @Test
    // an exception handler covering the entry still catches, and the traced method's own exception still reaches the caller
    void exceptionsOfTheTracedMethodAreUnchanged() {
        hook(P + "Code.parseOr", P + "Code.fail");
        assertEquals(42, Code.parseOr("42", -1));
        assertEquals(-1, Code.parseOr("x", -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Code.fail(3));
        assertEquals("traced method's own exception 3", e.getMessage());
        assertEquals(List.of(P + "Code.parseOr", P + "Code.parseOr", P + "Code.fail"), namesOf(ips));
    }

    @Test
    // instance, private (long/double/int parameters), synchronized, interface default and interface static methods are hookable
    void instanceInterfaceAndWideParameterMethods() {
        hook(P + "Square.bump", P + "Square.locked", P + "Shape.doubled", P + "Shape.unit", P + "Square.sides");
        Square s = new Square();
        assertEquals(15, s.callBump());
        assertEquals(5, s.locked(4));
        assertEquals(8, s.doubled()); // default method, which calls sides()
        assertEquals(1, Shape.unit());
        assertEquals(List.of(P + "Square.bump", P + "Square.locked", P + "Shape.doubled", P + "Square.sides",
                P + "Shape.unit"), namesOf(ips));
    }
}
