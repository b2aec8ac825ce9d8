package org.jftrace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jftrace.internal.api.Backend;
import org.jftrace.internal.api.BackendHolder;

/**
 * jftrace's entry points: the kernel's {@code register_ftrace_function}, {@code ftrace_set_filter}
 * and friends, in camelCase, plus the function table's lookups. Every method throws
 * {@link FtraceException} with {@link Errno#ENODEV} while no agent is installed in this JVM (start
 * it with {@code -javaagent:jftrace-agent.jar} or call {@code org.jftrace.agent.JftraceAgent.install()}).
 *
 * <p>Call order for one ops, as a grammar:
 * {@code (ftraceSetFilter | ftraceSetNotrace | ftraceSetFilterIp)* registerFtraceFunction
 * (ftraceSetFilter | ftraceSetNotrace | ftraceSetFilterIp)* unregisterFtraceFunction}, repeatable.
 * A call that throws changes nothing.
 */
public final class Ftrace {

    /** The {@code parentIp} passed when it was not computed (the ops lacks {@code PARENT_IP}) or is unknown. */
    public static final long UNKNOWN_IP = 0L;

    private Ftrace() {
    }

    private static Backend backend() {
        Backend b = BackendHolder.get();
        if (b == null) {
            throw new FtraceException(Errno.ENODEV, "the jftrace agent is not installed in this JVM: "
                    + "start it with -javaagent:jftrace-agent.jar, attach it with 'jftrace attach PID', "
                    + "or call org.jftrace.agent.JftraceAgent.install() first");
        }
        return b;
    }

    /** {@return whether the agent is installed, so that the other calls do not throw ENODEV} */
    public static boolean isInstalled() {
        return BackendHolder.get() != null;
    }

    /**
     * {@code register_ftrace_function}: enables {@code ops} on every traceable method that its
     * filter selects and its notrace list does not (every method when the filter is empty, classes
     * loaded later included). When it returns, every call of a selected method that starts
     * afterwards runs the callback.
     *
     * @param ops not {@code null}; left registered
     * @throws FtraceException EBUSY if {@code ops} is registered already or would be a second
     *                         IPMODIFY ops on a method; EINVAL for a flag combination that is not allowed
     */
    public static void registerFtraceFunction(FtraceOps ops) {
        backend().register(Objects.requireNonNull(ops, "ops"));
    }

    /**
     * {@code unregister_ftrace_function}: disables {@code ops}. When it returns, no thread is inside
     * its callback and none will enter it (ftrace's RCU-tasks guarantee), except the calling thread
     * itself when it unregisters from inside the callback. Methods that no other ops selects get
     * their original bytecode back. The filter and notrace lists are kept for a later register.
     *
     * @param ops not {@code null}; left unregistered
     * @throws FtraceException EBUSY if {@code ops} is not registered
     */
    public static void unregisterFtraceFunction(FtraceOps ops) {
        backend().unregister(Objects.requireNonNull(ops, "ops"));
    }

    /**
     * {@code ftrace_set_filter}: adds the methods matched by the glob {@code buf} to the filter of
     * {@code ops} (or, with a leading {@code !}, removes them). Syntax: {@code *}, {@code ?},
     * {@code [...]} over {@code binary.class.Name.method}, an optional Java parameter list
     * {@code (int,java.lang.String)} to pick one overload, and an optional {@code :mod:NAME} (a
     * module, or the jar a class path class came from). Patterns are kept: classes loaded later are
     * matched too. An empty filter means every method; so does one whose last entry a {@code !}
     * pattern removed.
     *
     * @param ops   not {@code null}; registered or not
     * @param buf   the pattern; {@code null} with {@code reset} clears the filter (every method)
     * @param reset clear the filter first
     * @throws FtraceException EINVAL if the pattern is malformed (the message shows where) or
     *                         matches no method of any loaded class; EBUSY if the change would make
     *                         two IPMODIFY ops on one method
     */
    public static void ftraceSetFilter(FtraceOps ops, String buf, boolean reset) {
        backend().setFilter(Objects.requireNonNull(ops, "ops"), buf, reset, false);
    }

    /**
     * Like {@link #ftraceSetFilter(FtraceOps, String, boolean)}, but a pattern that matches nothing
     * loaded yet is kept as a pending pattern instead of failing with EINVAL: the ops then traces
     * nothing until a class with a matching method loads (the kernel's {@code :mod:} cache).
     */
    public static void ftraceSetFilterPending(FtraceOps ops, String buf, boolean reset) {
        backend().setFilter(Objects.requireNonNull(ops, "ops"), buf, reset, true);
    }

    /**
     * {@code ftrace_set_notrace}: adds the methods matched by {@code buf} to the notrace list of
     * {@code ops}; notrace wins over the filter. {@code reset} clears the notrace list first (and
     * only it). Same syntax and errors as {@link #ftraceSetFilter}.
     */
    public static void ftraceSetNotrace(FtraceOps ops, String buf, boolean reset) {
        backend().setNotrace(Objects.requireNonNull(ops, "ops"), buf, reset, false);
    }

    /** Like {@link #ftraceSetNotrace}, keeping a pattern that matches nothing loaded yet. */
    public static void ftraceSetNotracePending(FtraceOps ops, String buf, boolean reset) {
        backend().setNotrace(Objects.requireNonNull(ops, "ops"), buf, reset, true);
    }

    /**
     * {@code ftrace_set_filter_ip}: adds exactly the method {@code ip} to the filter, or removes it
     * with {@code remove}.
     *
     * @throws FtraceException EINVAL if {@code ip} names no traceable method; ENOENT if
     *                         {@code remove} and {@code ip} is not in the filter
     */
    public static void ftraceSetFilterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
        backend().setFilterIp(Objects.requireNonNull(ops, "ops"), ip, remove, reset);
    }

    /** {@code ftrace_function_local_enable}: decrements the calling thread's counter of a PER_CPU ops. */
    public static void ftraceFunctionLocalEnable(FtraceOps ops) {
        backend().localEnable(Objects.requireNonNull(ops, "ops"));
    }

    /** {@code ftrace_function_local_disable}: increments the calling thread's counter of a PER_CPU ops. */
    public static void ftraceFunctionLocalDisable(FtraceOps ops) {
        backend().localDisable(Objects.requireNonNull(ops, "ops"));
    }

    /** {@return whether {@code ops} is registered now} */
    public static boolean isRegistered(FtraceOps ops) {
        return backend().isRegistered(Objects.requireNonNull(ops, "ops"));
    }

    /** {@return how many exceptions the callback of {@code ops} threw (each was caught)} */
    public static long callbackErrors(FtraceOps ops) {
        return backend().callbackErrors(Objects.requireNonNull(ops, "ops"));
    }

    /** {@return what {@code ip} (a method id or a parent ip) resolves to, or empty} */
    public static Optional<FunctionInfo> lookup(long ip) {
        return backend().lookup(ip);
    }

    /**
     * {@return the ip of the method named {@code name}, {@code binary.class.Name.method} with an
     * optional parameter list}
     *
     * @throws FtraceException ENOENT if no loaded class has such a method; EINVAL if the name is
     *                         ambiguous (overloads) without a parameter list
     */
    public static long lookupIp(String name) {
        return backend().lookupIp(Objects.requireNonNull(name, "name"));
    }

    /** {@return every traceable method of every loaded class: {@code available_filter_functions}} */
    public static List<FunctionInfo> availableFilterFunctions() {
        return backend().availableFilterFunctions();
    }

    /** {@return every method that carries a hook now: {@code enabled_functions}} */
    public static List<EnabledFunction> enabledFunctions() {
        return backend().enabledFunctions();
    }
}
