package org.jftrace.internal.runtime;

/** Classes the planner tests hook, through a core given these classes only (no agent). */
final class Targets {
    private Targets() {
    }

    static final class Alpha {
        static int one() {
            return 1;
        }

        static int two(int x) {
            return x * 2;
        }

        static String three(String s) {
            return s + "3";
        }
    }

    static final class Beta {
        static void run() {
        }

        static void walk() {
        }
    }

    /** Not among the loaded classes until a test "loads" it. */
    static final class Gamma {
        static void late() {
        }
    }
}
