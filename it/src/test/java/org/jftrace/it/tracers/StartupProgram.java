package org.jftrace.it.tracers;

/**
 * The program of the start-up tracing test: {@code main { outer { inner; inner }; outer { inner; inner } }},
 * then a line saying main ran. No test loads it before its JVM starts, so a filter naming it is
 * pending at {@code premain}.
 */
public final class StartupProgram {
    private StartupProgram() {
    }

    public static void main(String[] args) {
        int s = outer(1) + outer(2);
        System.out.println("main ran: " + s);
    }

    static int outer(int v) {
        return inner(v) + inner(v + 1);
    }

    static int inner(int v) {
        return v * 3;
    }
}
