package org.jftrace.cli;

/**
 * The JVM the end-to-end tests attach to: prints {@code ready}, then every 50 ms what
 * {@link #greet()} returns, until killed or two minutes pass.
 */
public final class LoopTarget {
    private LoopTarget() {
    }

    public static String greet() {
        return "hello";
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println("g=" + greet());
            Thread.sleep(50);
        }
    }
}
