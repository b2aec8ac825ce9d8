package org.jftrace;

/**
 * The JVM's {@code struct pt_regs}: the receiver and arguments of a traced call, handed to a
 * callback whose ops has {@link FtraceOps.Flag#SAVE_REGS} (else the callback gets {@code null}).
 * Valid only during the callback, on its thread; every ops on the method sees the same regs, in
 * order, so a rewrite by one is seen by the next.
 *
 * <p>Partial regs: a constructor's receiver is {@code null} (it is not initialised before
 * {@code super()} returns); a static method's receiver is {@code null}.
 *
 * <p>Reading arguments: {@link #arg(int)} returns any argument as an {@code Object}, a primitive
 * boxed. The typed reads ({@link #intArg}, {@link #longArg}, {@link #refArg}, ...) return it
 * without a box, and check the parameter's <em>declared</em> type, with the widening conversions
 * of {@link java.lang.reflect.Field#getInt} and its siblings: {@code longArg} reads a {@code long},
 * {@code int}, {@code short}, {@code char} or {@code byte} parameter; {@code refArg} reads any
 * parameter of a reference type (array types included), however its value looks: an
 * {@code Integer} passed to an {@code Object} parameter is read by {@code refArg}, not by
 * {@code intArg}. Every read:
 * <ul>
 * <li>throws {@link IndexOutOfBoundsException} for an index outside {@code [0, argCount())};</li>
 * <li>throws {@link FtraceException} with {@link Errno#EINVAL} when the parameter's declared type
 *     is not one the read accepts (the message names it);</li>
 * <li>sees what an earlier {@link #setArg} wrote.</li>
 * </ul>
 *
 * <p><b>Not for implementation by users:</b> jftrace implements this interface and hands it to
 * callbacks. Methods may be added in later versions; the typed reads' default bodies are a correct
 * fallback (through {@link #arg} and the traced method's descriptor, so slower than an
 * implementation that knows its argument slots) that jftrace's own implementation may override.
 */
public interface Regs {
    /** {@return the traced method's ip, as passed to the callback (a redirect does not change it)} */
    long ip();

    /** {@return the receiver, or {@code null} for a static method or a constructor} */
    Object receiver();

    /** {@return the number of declared parameters (the receiver not counted)} */
    int argCount();

    /**
     * {@return argument {@code index}, a primitive boxed in its box type ({@code Integer} for
     * {@code int} ...), a reference as it is (maybe {@code null})}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     */
    Object arg(int index);

    /**
     * {@return argument {@code index} of a {@code boolean} parameter}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is not a {@code boolean}
     */
    default boolean booleanArg(int index) {
        ArgTypes.check(this, index, "booleanArg", "Z");
        return (Boolean) arg(index);
    }

    /**
     * {@return argument {@code index} of a {@code byte} parameter}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is not a {@code byte}
     */
    default byte byteArg(int index) {
        ArgTypes.check(this, index, "byteArg", "B");
        return (Byte) arg(index);
    }

    /**
     * {@return argument {@code index} of a {@code char} parameter}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is not a {@code char}
     */
    default char charArg(int index) {
        ArgTypes.check(this, index, "charArg", "C");
        return (Character) arg(index);
    }

    /**
     * {@return argument {@code index} of a {@code short} or {@code byte} parameter, widened}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is of another type
     */
    default short shortArg(int index) {
        ArgTypes.check(this, index, "shortArg", "SB");
        return ((Number) arg(index)).shortValue();
    }

    /**
     * {@return argument {@code index} of an {@code int}, {@code short}, {@code char} or {@code byte}
     * parameter, widened}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is of another type
     */
    default int intArg(int index) {
        ArgTypes.check(this, index, "intArg", "ISCB");
        return ArgTypes.integral(arg(index));
    }

    /**
     * {@return argument {@code index} of a {@code long}, {@code int}, {@code short}, {@code char} or
     * {@code byte} parameter, widened}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is of another type
     */
    default long longArg(int index) {
        ArgTypes.check(this, index, "longArg", "JISCB");
        Object v = arg(index);
        return v instanceof Long ? (Long) v : ArgTypes.integral(v);
    }

    /**
     * {@return argument {@code index} of a {@code float} parameter, or of an integral or {@code char}
     * parameter widened (as Java widens {@code long} to {@code float}, which may round)}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is a {@code double}, {@code boolean} or a reference
     */
    default float floatArg(int index) {
        ArgTypes.check(this, index, "floatArg", "FJISCB");
        Object v = arg(index);
        if (v instanceof Float) {
            return (Float) v;
        }
        return v instanceof Long ? (float) (Long) v : (float) ArgTypes.integral(v);
    }

    /**
     * {@return argument {@code index} of a {@code double} parameter, or of any other numeric or
     * {@code char} parameter widened}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is a {@code boolean} or a reference
     */
    default double doubleArg(int index) {
        ArgTypes.check(this, index, "doubleArg", "DFJISCB");
        Object v = arg(index);
        if (v instanceof Double) {
            return (Double) v;
        } else if (v instanceof Float) {
            return (Float) v;
        }
        return v instanceof Long ? (double) (Long) v : (double) ArgTypes.integral(v);
    }

    /**
     * {@return argument {@code index} of a parameter of a reference type (class, interface or
     * array), as it is: maybe {@code null}}
     *
     * @param index the parameter's position, 0 for the first (the receiver is not counted)
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the parameter is of a primitive type (read it with
     *                                   the typed read of that type, or boxed with {@link #arg})
     */
    default Object refArg(int index) {
        ArgTypes.check(this, index, "refArg", "L");
        return arg(index);
    }

    /**
     * Rewrites argument {@code index}: the method body (or the replacement, after an ip change) sees
     * {@code value}. A primitive parameter takes its box type ({@code Integer} for {@code int} ...).
     *
     * @param index the parameter's position, 0 for the first
     * @param value the new value: for a primitive parameter its box, not {@code null}; for a
     *              reference parameter an instance of its type, or {@code null}
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if {@code value} does not fit the parameter's type (nothing changes)
     */
    void setArg(int index, Object value);

    /**
     * IPMODIFY: sets the ip to another method, which then runs instead of the traced body with the
     * (possibly rewritten) arguments; its result or exception is what the caller gets. The
     * replacement of an instance method may be an instance method of a compatible type or a static
     * method that takes the receiver first; parameter and return types must fit. Setting the traced
     * method's own ip cancels a redirect. Look the replacement's ip up once
     * ({@link Ftrace#lookupIp}) and keep it; {@link Ftrace#checkRedirect} checks the fit ahead.
     *
     * @param ip the replacement's ip, or the traced method's own to cancel a redirect
     * @throws FtraceException EINVAL if the ops lacks IPMODIFY, {@code ip} names no method, the
     *                         method is a constructor, or the signature does not fit (the original body runs)
     */
    void setIp(long ip);

    /**
     * Like {@link #setIp(long)} with {@code Ftrace.lookupIp(name)}. <b>Slow:</b> it looks the name
     * up on every call (a parse and a search of the function table); in a callback that runs per
     * call, look the ip up once and call {@link #setIp(long)}.
     *
     * @param name the replacement's name, as {@link Ftrace#lookupIp} takes it
     * @throws FtraceException as {@link #setIp(long)}, and as {@link Ftrace#lookupIp} for the name
     */
    void setIp(String name);
}
