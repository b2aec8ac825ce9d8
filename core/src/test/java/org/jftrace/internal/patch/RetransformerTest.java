package org.jftrace.internal.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** -Djftrace.retransformBatch: every class in one call unless a positive number bounds it. */
class RetransformerTest {
    @Test
    void theBatchIsEveryClassUnlessAPositiveNumberBoundsIt() {
        assertEquals(Integer.MAX_VALUE, Retransformer.batch(null));
        assertEquals(Integer.MAX_VALUE, Retransformer.batch(" "));
        assertEquals(256, Retransformer.batch("256"));
        assertEquals(1, Retransformer.batch(" 1 "));
        assertEquals(Integer.MAX_VALUE, Retransformer.batch("0"), "not positive: warned, every class");
        assertEquals(Integer.MAX_VALUE, Retransformer.batch("-5"));
        assertEquals(Integer.MAX_VALUE, Retransformer.batch("many"));
    }
}
