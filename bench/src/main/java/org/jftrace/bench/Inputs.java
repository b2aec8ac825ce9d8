package org.jftrace.bench;

/**
 * The arguments of every measured call, read from non-final state fields on each invocation so
 * that the JIT cannot fold the call (JMH's dead-code rules); the result is returned to JMH.
 */
public abstract class Inputs {
    public int a = 1_234_567;
    public int b = 89;
}
