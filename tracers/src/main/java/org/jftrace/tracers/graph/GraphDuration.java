package org.jftrace.tracers.graph;

/**
 * Durations as function_graph and {@code trace_stat/function} print them (the kernel's
 * {@code trace_print_graph_duration} and {@code trace_find_mark}): microseconds with three decimals
 * while they fit in seven digits, then whole microseconds, then {@code " us "} padded to a fixed
 * width; and the overhead marker of a duration.
 */
public final class GraphDuration {
    /** The markers, longest threshold first: {@code $} over 1 s ... {@code +} over 10 us. */
    private static final long[] THRESHOLDS = {1_000_000_000L, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L};
    private static final char[] MARKS = {'$', '@', '*', '#', '!', '+'};

    private GraphDuration() {
    }

    /**
     * {@return the overhead marker of {@code nanos}: {@code $} > 1 s, {@code @} > 100 ms, {@code *} > 10 ms,
     * {@code #} > 1 ms, {@code !} > 100 us, {@code +} > 10 us, else a space}
     */
    public static char mark(long nanos) {
        for (int i = 0; i < THRESHOLDS.length; i++) {
            if (nanos > THRESHOLDS[i]) {
                return MARKS[i];
            }
        }
        return ' ';
    }

    /**
     * Appends {@code nanos} as the kernel does: {@code 1.382 us    }, {@code 12345.678 us }, {@code 8356291 us }
     * (at least 12 characters: the number, {@code " us "}, spaces up to width). Negative values
     * (a clock that went back between buffers) print as 0.
     */
    public static void append(StringBuilder sb, long nanos) {
        long n = Math.max(0, nanos);
        String micros = Long.toString(n / 1000);
        sb.append(micros);
        int len = micros.length();
        if (len < 7) {
            // the kernel keeps at most 7 digits in all: fewer decimals as the integer part grows
            String frac = String.format("%03d", n % 1000);
            int keep = Math.min(3, 7 - len);
            sb.append('.').append(frac, 0, keep);
            len += keep + 1;
        }
        sb.append(" us ");
        for (int i = len; i < 8; i++) {
            sb.append(' ');
        }
    }

    /**
     * Appends a duration under the {@code counter} trace_clock, which has no time: the count of the
     * ring's events between entry and exit, {@code 12 cnt}, padded to the width of {@link #append}.
     */
    public static void appendCount(StringBuilder sb, long count) {
        String n = Long.toString(Math.max(0, count));
        sb.append(n).append(" cnt ");
        for (int i = n.length() + 5; i < 12; i++) {
            sb.append(' ');
        }
    }

    /** {@return {@code nanos} as {@link #append} prints it} */
    public static String format(long nanos) {
        StringBuilder sb = new StringBuilder(16);
        append(sb, nanos);
        return sb.toString();
    }
}
