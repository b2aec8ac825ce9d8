package org.jftrace.cli;

/**
 * The program {@code jftrace run} and {@code jftrace stat} tests trace: calls {@link #work} a known
 * number of times. With argument {@code N} it calls it N times and exits; with {@code wait N} it
 * prints {@code ready}, waits for a line on standard input, calls it N times, prints {@code done}
 * and waits for the next line (or its end) before exiting.
 */
public final class CountedProgram {
    private CountedProgram() {
    }

    static int work(int i) {
        return i * 7 + 1;
    }

    public static void main(String[] args) throws Exception {
        boolean wait = args[0].equals("wait");
        int n = Integer.parseInt(args[wait ? 1 : 0]);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        if (wait) {
            System.out.println("ready");
            in.readLine();
        }
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += work(i);
        }
        System.out.println("done " + s);
        if (wait) {
            in.readLine();
        }
    }
}
