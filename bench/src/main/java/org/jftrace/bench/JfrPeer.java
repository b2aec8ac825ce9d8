package org.jftrace.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import jdk.jfr.Recording;

/**
 * Shared state of the JFR peer rows (JDK 25+): a recording of one JFR method-tracing event with a
 * filter on {@link Target#compute}; set-up and tear-down prove events were recorded, or throw.
 */
public abstract class JfrPeer extends Inputs {
    private final String row;
    private final String event;
    private final boolean stackTraces;
    Target target;
    Recording recording;

    protected JfrPeer(String row, String event, boolean stackTraces) {
        this.row = row;
        this.event = event;
        this.stackTraces = stackTraces;
    }

    @Setup(Level.Trial)
    public void setup() {
        target = new Target();
        recording = Peers.startJfr(event, stackTraces);
        for (int i = 0; i < 10; i++) {
            target.compute(a, b);
        }
        long n = Peers.countJfr(recording, event, 10);
        if (n < 10) {
            throw new IllegalStateException(row + ": " + n + " " + event + " events/invocations recorded for 10 calls");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long n = Peers.countJfr(recording, event, 1);
        recording.stop();
        recording.close();
        if (n == 0) {
            throw new IllegalStateException(row + ": no " + event + " event recorded at the end of the run");
        }
    }
}
