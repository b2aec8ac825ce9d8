package org.jftrace.cli;

/**
 * The JVM the trigger and thread tests record: the main thread and a thread named
 * {@code wiring-worker} each call {@code outer { inner; inner }} every 20 ms and print the result
 * ({@code m=} and {@code w=}), until killed or two minutes pass.
 */
public final class WiringTarget {
    private WiringTarget() {
    }

    public static void main(String[] args) throws Exception {
        Thread worker = new Thread(() -> loop("w="), "wiring-worker");
        worker.setDaemon(true);
        worker.start();
        loop("m=");
    }

    private static void loop(String tag) {
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println(tag + outer(2));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static int outer(int v) {
        return inner(v) + inner(v + 1);
    }

    static int inner(int v) {
        return v * 3;
    }
}
