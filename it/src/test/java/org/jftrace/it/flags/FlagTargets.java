package org.jftrace.it.flags;

/** Methods the flag tests hook. Each takes or returns something that shows what the body saw. */
public final class FlagTargets {
    private FlagTargets() {
    }

    /** Every JVM type in, everything it saw out. */
    public static String allTypes(boolean z, byte b, char c, short s, int i, long j, float f, double d, String str,
                                  int[] arr) {
        return z + "|" + b + "|" + c + "|" + s + "|" + i + "|" + j + "|" + f + "|" + d + "|" + str + "|"
                + (arr == null ? "null" : String.valueOf(arr.length));
    }

    /** An instance method with a receiver. */
    public static final class Account {
        final String owner;
        long balance;

        public Account(String owner, long balance) {
            this.owner = owner;
            this.balance = balance;
        }

        public long deposit(long amount, int times) {
            balance += amount * times;
            return balance;
        }

        public String label(String prefix) {
            return prefix + owner;
        }
    }

    /** Replacements for IPMODIFY. */
    public static final class Fixes {
        private Fixes() {
        }

        /** Static, receiver first: fits Account.deposit(long,int). */
        public static long depositTwice(Account self, long amount, int times) {
            self.balance += 2 * amount * times;
            return -self.balance;
        }

        /** Does not fit Account.deposit: wrong parameter type. */
        public static long wrong(Account self, String amount, int times) {
            return 0;
        }

        public static String failingLabel(Account self, String prefix) {
            throw new IllegalStateException("from the replacement");
        }

        public static int square(int x) {
            return x * x;
        }
    }

    public static int plusOne(int x) {
        return x + 1;
    }

    public static int work(int x) {
        return x * 3;
    }
}
