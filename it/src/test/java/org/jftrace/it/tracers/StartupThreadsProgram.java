package org.jftrace.it.tracers;

/**
 * A start-up tracing program with two threads: {@code main} calls {@code outer { inner; inner }},
 * then starts a thread named {@code child} that does the same, waits for it and prints a line.
 */
public final class StartupThreadsProgram {
    private StartupThreadsProgram() {
    }

    public static void main(String[] args) throws InterruptedException {
        int s = outer(1);
        int[] c = new int[1];
        Thread child = new Thread(() -> c[0] = outer(2), "child");
        child.start();
        child.join();
        System.out.println("threads ran: " + (s + c[0]));
    }

    static int outer(int v) {
        return inner(v) + inner(v + 1);
    }

    static int inner(int v) {
        return v * 3;
    }
}
