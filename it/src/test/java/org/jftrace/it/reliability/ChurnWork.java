package org.jftrace.it.reliability;

/** The methods the churn workers call while ops come and go on them ({@link ChurnTarget}). */
public final class ChurnWork {
    int value;

    public ChurnWork(int value) {
        this.value = value;
    }

    /** Method 0: in every churned ops' filter whenever the ops is registered. */
    public static int m0(int x) {
        return x + 1;
    }

    /** Method 1 (instance). */
    public int m1(int x) {
        value += x;
        return value;
    }

    /** Method 2. */
    public static int m2(int x) {
        return x * 3;
    }

    /** Method 3. */
    public static int m3(int x) {
        return x ^ 0x5a5a;
    }

    /** Method 4: in no filter, ever. */
    public static int m4(int x) {
        return x - 1;
    }
}
