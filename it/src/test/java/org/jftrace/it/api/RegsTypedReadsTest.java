package org.jftrace.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.Registration;
import org.jftrace.Regs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regs' typed reads on a SAVE_REGS ops: the value of each parameter type, the widening
 * conversions of Field.getInt and its siblings, EINVAL on a declared type a read does not take
 * (whatever the value looks like), IndexOutOfBoundsException outside the parameters.
 */
class RegsTypedReadsTest {

    /** The traced target: one parameter of each kind (an application class: invokedynamic hook). */
    static final class Mixed {
        static volatile int seenI;

        static String call(int i, long l, double d, boolean z, Object o, String s, byte b, short sh, char c, float f,
                           Integer boxed, int[] arr) {
            seenI = i;
            return i + "|" + l + "|" + s;
        }
    }

    static final String CALL = "org.jftrace.it.api.RegsTypedReadsTest$Mixed.call";
    static final int[] ARR = {1, 2};

    @BeforeAll
    static void load() {
        Mixed.call(0, 0, 0, false, null, "", (byte) 0, (short) 0, 'a', 0, 0, null);
    }

    /** What the callback read: read expression to value, or to the exception it threw. */
    private final Map<String, Object> reads = new ConcurrentHashMap<>();

    private void attempt(String what, Supplier<Object> read) {
        Object v;
        try {
            v = read.get();
        } catch (RuntimeException e) {
            v = e;
        }
        reads.put(what, v == null ? "null" : v);
    }

    private void readAll(Regs r) {
        // the right type, and widened
        attempt("intArg(0)", () -> r.intArg(0));
        attempt("longArg(0)", () -> r.longArg(0));
        attempt("floatArg(0)", () -> r.floatArg(0));
        attempt("doubleArg(0)", () -> r.doubleArg(0));
        attempt("longArg(1)", () -> r.longArg(1));
        attempt("floatArg(1)", () -> r.floatArg(1));
        attempt("doubleArg(1)", () -> r.doubleArg(1));
        attempt("doubleArg(2)", () -> r.doubleArg(2));
        attempt("booleanArg(3)", () -> r.booleanArg(3));
        attempt("refArg(4)", () -> r.refArg(4));
        attempt("refArg(5)", () -> r.refArg(5));
        attempt("byteArg(6)", () -> r.byteArg(6));
        attempt("shortArg(6)", () -> r.shortArg(6));
        attempt("intArg(6)", () -> r.intArg(6));
        attempt("shortArg(7)", () -> r.shortArg(7));
        attempt("intArg(7)", () -> r.intArg(7));
        attempt("charArg(8)", () -> r.charArg(8));
        attempt("intArg(8)", () -> r.intArg(8));
        attempt("floatArg(9)", () -> r.floatArg(9));
        attempt("doubleArg(9)", () -> r.doubleArg(9));
        attempt("refArg(10)", () -> r.refArg(10));
        attempt("refArg(11)", () -> r.refArg(11));
        // a declared type the read does not take
        attempt("intArg(1)", () -> r.intArg(1));
        attempt("intArg(4)", () -> r.intArg(4));
        attempt("intArg(5)", () -> r.intArg(5));
        attempt("intArg(10)", () -> r.intArg(10));
        attempt("refArg(0)", () -> r.refArg(0));
        attempt("booleanArg(0)", () -> r.booleanArg(0));
        attempt("floatArg(2)", () -> r.floatArg(2));
        attempt("doubleArg(3)", () -> r.doubleArg(3));
        attempt("shortArg(0)", () -> r.shortArg(0));
        attempt("shortArg(8)", () -> r.shortArg(8));
        attempt("charArg(7)", () -> r.charArg(7));
        attempt("byteArg(7)", () -> r.byteArg(7));
        attempt("longArg(2)", () -> r.longArg(2));
        // outside the parameters
        attempt("intArg(-1)", () -> r.intArg(-1));
        attempt("intArg(12)", () -> r.intArg(12));
        attempt("refArg(12)", () -> r.refArg(12));
        // a rewrite is what the next read sees
        r.setArg(0, 99);
        attempt("intArg(0) after setArg", () -> r.intArg(0));
    }

    @Test
    void typedReadsReturnTheValuesAndRefuseOtherTypes() {
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> readAll(regs))
                .flags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.RECURSION_SAFE)
                .filter(CALL)
                .build();
        String out;
        Integer boxed = 9;
        try (Registration r = Ftrace.register(ops)) {
            out = Mixed.call(7, 1L << 40, 2.5, true, 42, "s", (byte) -5, (short) 300, 'x', 1.5f, boxed, ARR);
        }
        assertEquals(0, Ftrace.callbackErrors(ops), "the callback caught everything itself");
        assertEquals("99|1099511627776|s", out, "the body saw the rewrite");

        assertEquals(7, reads.get("intArg(0)"));
        assertEquals(7L, reads.get("longArg(0)"));
        assertEquals(7f, reads.get("floatArg(0)"));
        assertEquals(7.0, reads.get("doubleArg(0)"));
        assertEquals(1L << 40, reads.get("longArg(1)"));
        assertEquals((float) (1L << 40), reads.get("floatArg(1)"));
        assertEquals((double) (1L << 40), reads.get("doubleArg(1)"));
        assertEquals(2.5, reads.get("doubleArg(2)"));
        assertEquals(true, reads.get("booleanArg(3)"));
        assertEquals(42, reads.get("refArg(4)"), "an Integer in an Object parameter is a reference");
        assertEquals("s", reads.get("refArg(5)"));
        assertEquals((byte) -5, reads.get("byteArg(6)"));
        assertEquals((short) -5, reads.get("shortArg(6)"));
        assertEquals(-5, reads.get("intArg(6)"));
        assertEquals((short) 300, reads.get("shortArg(7)"));
        assertEquals(300, reads.get("intArg(7)"));
        assertEquals('x', reads.get("charArg(8)"));
        assertEquals((int) 'x', reads.get("intArg(8)"));
        assertEquals(1.5f, reads.get("floatArg(9)"));
        assertEquals(1.5, reads.get("doubleArg(9)"));
        assertSame(boxed, reads.get("refArg(10)"));
        assertSame(ARR, reads.get("refArg(11)"));

        FtraceException string = einval("intArg(5)");
        assertTrue(string.getMessage().contains("java.lang.String"), string.getMessage());
        assertTrue(string.getMessage().contains("refArg"), string.getMessage());
        assertTrue(string.getMessage().contains(CALL), string.getMessage());
        for (String wrong : new String[] {"intArg(1)", "intArg(4)", "intArg(10)", "refArg(0)", "booleanArg(0)",
                "floatArg(2)", "doubleArg(3)", "shortArg(0)", "shortArg(8)", "charArg(7)", "byteArg(7)", "longArg(2)"}) {
            einval(wrong);
        }
        assertTrue(einval("refArg(0)").getMessage().contains("intArg"), "names the read that fits");

        for (String outside : new String[] {"intArg(-1)", "intArg(12)", "refArg(12)"}) {
            assertInstanceOf(IndexOutOfBoundsException.class, reads.get(outside), outside);
        }
        assertEquals(99, reads.get("intArg(0) after setArg"));
    }

    @Test
    void aNullReferenceReadsAsNull() {
        FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> attempt("refArg(11)", () -> regs.refArg(11)))
                .flags(FtraceOps.Flag.SAVE_REGS)
                .filter(CALL)
                .build();
        try (Registration r = Ftrace.register(ops)) {
            Mixed.call(1, 2, 3, false, null, null, (byte) 0, (short) 0, 'a', 0, null, null);
        }
        assertEquals("null", reads.get("refArg(11)"));
        assertNull(reads.get("intArg(0)"));
    }

    private FtraceException einval(String what) {
        FtraceException e = assertInstanceOf(FtraceException.class, reads.get(what), what);
        assertEquals(Errno.EINVAL, e.errno(), what);
        return e;
    }
}
