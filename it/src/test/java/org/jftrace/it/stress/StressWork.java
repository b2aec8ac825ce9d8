package org.jftrace.it.stress;

/** The user class whose methods the stress workers call while its hooks come and go. */
public final class StressWork {
    int value;

    /** Hooked (a constructor: the hook runs before {@code super()}). */
    public StressWork(int value) {
        this.value = value;
    }

    /** Hooked (static). */
    public static int twice(int x) {
        return x * 2 + 1;
    }

    /** Hooked (instance). */
    public int add(int x) {
        value += x;
        return value;
    }

    /** Not hooked. */
    public static int untraced(int x) {
        return x - 1;
    }
}
