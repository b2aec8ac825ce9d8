package org.jftrace.tracers.ring;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * {@code trace_clock}: what a ring buffer stamps its records with, the kernel's choices made for
 * the JVM. Read under the buffer's claim, so a buffer's records are in clock order with every one.
 */
public enum TraceClock {
    /**
     * {@code System.nanoTime()}: precise and monotonic, the default. About 20-25 ns a read on Linux
     * x86-64 (a vDSO {@code clock_gettime}), the largest part of an event's cost.
     */
    MONO("mono", true, "System.nanoTime, seconds since the JVM's first ring buffer"),
    /**
     * The kernel's {@code counter}: a count shared by the ring's buffers, incremented by every
     * event (one atomic add). Orders events across threads exactly, says nothing of time; printed as
     * counts.
     */
    COUNTER("counter", false, "a count of the ring's events: order only, no time; TIMESTAMP is the count"),
    /**
     * The kernel's {@code uptime} (jiffies), for the JVM: {@code System.nanoTime()} as a daemon thread
     * last stored it, every {@value CoarseClock#TICK_MICROS} us; a read is one volatile load (about 1
     * ns). Coarse: events within a tick share a timestamp, and short durations read 0.
     */
    UPTIME("uptime", true, "coarse: System.nanoTime as a clock thread stores it every "
            + CoarseClock.TICK_MICROS + " us, seconds since the JVM's first ring buffer");

    private final String word;
    private final boolean nanos;
    private final String legend;

    TraceClock(String word, boolean nanos, String legend) {
        this.word = word;
        this.nanos = nanos;
        this.legend = legend;
    }

    /** {@return the clock's name, as {@code trace_clock} lists it} */
    public String word() {
        return word;
    }

    /** {@return whether timestamps are nanoseconds (printed as seconds); false for counts} */
    public boolean inNanos() {
        return nanos;
    }

    /** {@return the header line naming the clock and what its timestamps mean} */
    public String headerLine() {
        return "# trace_clock: " + word + " (" + legend + ")\n";
    }

    /**
     * {@return the clock named {@code word}}
     *
     * @throws FtraceException EINVAL for another name (the message lists the clocks)
     */
    public static TraceClock of(String word) {
        for (TraceClock c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new FtraceException(Errno.EINVAL, "unknown trace_clock '" + word + "': give one of "
                + Arrays.stream(values()).map(TraceClock::word).collect(Collectors.joining(", ")));
    }
}
