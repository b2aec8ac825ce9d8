package org.jftrace;

/**
 * The JVM's {@code struct pt_regs}: the receiver and arguments of a traced call, handed to a
 * callback whose ops has {@link FtraceOps.Flag#SAVE_REGS}. Valid only during the callback.
 */
public interface Regs {
    /** {@return the traced method's id, as passed to the callback} */
    long ip();

    /** {@return the receiver, or {@code null} for a static method or a constructor before {@code super()}} */
    Object receiver();

    /** {@return the number of declared parameters} */
    int argCount();

    /** {@return argument {@code index}, boxed if primitive} */
    Object arg(int index);
}
