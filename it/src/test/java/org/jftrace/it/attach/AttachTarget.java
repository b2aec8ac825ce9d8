package org.jftrace.it.attach;

/**
 * A program that the attach-command tests attach to: every 50 ms it prints what {@link #greet()}
 * returns and the system property {@code jftrace.attach.result} (where the command's answer once
 * travelled), until killed or two minutes pass. With argument {@code forge=VALUE} it first sets
 * that property itself, as any code in a JVM can.
 */
public final class AttachTarget {
    static final String OLD_RESULT_PROPERTY = "jftrace.attach.result";

    private AttachTarget() {
    }

    public static String greet() {
        return "hello";
    }

    public static void main(String[] args) throws InterruptedException {
        for (String a : args) {
            if (a.startsWith("forge=")) {
                System.setProperty(OLD_RESULT_PROPERTY, a.substring("forge=".length()));
            }
        }
        System.out.println("ready");
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println("g=" + greet() + " p=" + System.getProperty(OLD_RESULT_PROPERTY));
            Thread.sleep(50);
        }
    }
}
