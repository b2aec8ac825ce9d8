package org.jftrace.it.install;

/** The user class whose bytes {@link CaptureTarget} compares before, during and after a hook. */
public final class Victim {
    private int total;

    public int work(int x) {
        total += x;
        return total * 31 + x;
    }

    public static String describe(Object o) {
        return "victim:" + o;
    }
}
