package org.jftrace.it.tracers;

/**
 * The running JVM that {@code jftrace record} attaches to: every 20 ms {@code outer { inner; inner }},
 * then prints its result, until killed or two minutes pass.
 */
public final class RecordTarget {
    private RecordTarget() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println("r=" + outer(2));
            Thread.sleep(20);
        }
    }

    static int outer(int v) {
        return inner(v) + inner(v + 1);
    }

    static int inner(int v) {
        return v * 3;
    }
}
