package org.jftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The descriptor parsing behind Regs' typed reads (the reads themselves need the agent: see the it tests). */
class RegsTypedReadsTest {

    @Test
    // each parameter's sort, arrays and objects as L
    void sortAtReadsEachParameter() {
        String d = "(IJ[ILjava/lang/String;[[Ljava/lang/Object;ZBCSFD)V";
        assertEquals("IJLLLZBCSFD", sorts(d, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> ArgTypes.sortAt("(I)V", 1));
    }

    private static String sorts(String d, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ArgTypes.sortAt(d, i));
        }
        return b.toString();
    }

    @Test
    // widening of boxes as Field.getInt does it
    void integralWidensBoxes() {
        assertEquals(7, ArgTypes.integral(7));
        assertEquals(-3, ArgTypes.integral((short) -3));
        assertEquals(-3, ArgTypes.integral((byte) -3));
        assertEquals(0xFFFF, ArgTypes.integral((char) 0xFFFF));
    }
}
