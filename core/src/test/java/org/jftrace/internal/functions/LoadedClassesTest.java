package org.jftrace.internal.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A retransformation the JVM refuses for some classes: split until each refusal stands alone, every other class done once. */
class LoadedClassesTest {
    /** Refuses any call that holds {@code Integer.class}, as the JVM fails a whole call for one class. */
    private static final class Refusing implements LoadedClasses {
        int calls;
        final List<Integer> done = new ArrayList<>();
        int offset;

        @Override
        public Class<?>[] all() {
            return new Class<?>[0];
        }

        @Override
        public boolean isModifiable(Class<?> k) {
            return true;
        }

        @Override
        public void retransform(Class<?>... classes) {
            calls++;
            if (Arrays.asList(classes).contains(Integer.class)) {
                throw new UnsupportedOperationException("class redefinition failed");
            }
            done.add(classes.length);
        }
    }

    @Test
    void refusalsAmongAThousandClassesCostAFewCallsAndLoseNoOtherClass() {
        Class<?>[] ks = new Class<?>[1000];
        Arrays.fill(ks, Object.class);
        ks[3] = Integer.class;
        ks[517] = Integer.class;
        ks[999] = Integer.class;
        Refusing jvm = new Refusing();
        List<Integer> refused = new ArrayList<>();
        int[] undone = new int[ks.length];
        LoadedClasses.retransformSplitting(jvm, ks, 0, ks.length, new LoadedClasses.Refusals() {
            @Override
            public void failed(int from, int to) {
                for (int i = from; i < to; i++) {
                    undone[i]++;
                }
            }

            @Override
            public void refused(int i, Throwable t) {
                refused.add(i);
            }
        });
        assertEquals(List.of(3, 517, 999), refused);
        assertEquals(997, jvm.done.stream().mapToInt(Integer::intValue).sum(), "every other class retransformed once");
        // 1,000 classes halve 10 times down to one: a refusal fails one call per size (11), and each
        // failed call makes two more; 3 refusals then cost at most 2 * 3 * 11 + 1 calls, not 1,000
        assertTrue(jvm.calls <= 2 * 3 * 11 + 1, jvm.calls + " calls");
        assertEquals(11, undone[3], "each failed call that held the refused class is undone: 11 sizes, the last alone");
        assertEquals(2, undone[300], "undone with the failed calls that held it ([0, 1000) and [0, 500)), then done in [250, 500)");
    }

    @Test
    void aCallTheJvmTakesIsOneCall() {
        Class<?>[] ks = new Class<?>[2200];
        Arrays.fill(ks, Object.class);
        Refusing jvm = new Refusing();
        LoadedClasses.retransformSplitting(jvm, ks, 0, ks.length, new LoadedClasses.Refusals() {
            @Override
            public void failed(int from, int to) {
                throw new AssertionError("no call failed");
            }

            @Override
            public void refused(int i, Throwable t) {
                throw new AssertionError("nothing refused");
            }
        });
        assertEquals(1, jvm.calls);
        assertEquals(List.of(2200), jvm.done);
    }
}
