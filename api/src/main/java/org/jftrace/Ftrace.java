package org.jftrace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jftrace.internal.api.Backend;
import org.jftrace.internal.api.BackendHolder;

/**
 * jftrace's entry points: the kernel's {@code register_ftrace_function}, {@code ftrace_set_filter}
 * and friends, in camelCase, plus the function table's lookups. Every method but
 * {@link #isInstalled()} throws {@link FtraceException} with {@link Errno#ENODEV} while no agent is
 * installed in this JVM (start it with {@code -javaagent:jftrace-agent.jar}, attach it with
 * {@code java -jar jftrace-agent.jar PID}, or call {@code org.jftrace.agent.JftraceAgent.install()}),
 * and after jftrace disabled itself following an internal failure.
 *
 * <p>Call order for one ops, as a grammar:
 * {@code (ftraceSetFilter | ftraceSetNotrace | ftraceSetFilterIp)* registerFtraceFunction
 * (ftraceSetFilter | ftraceSetNotrace | ftraceSetFilterIp)* unregisterFtraceFunction}, repeatable;
 * {@link #register(FtraceOps)} and {@link Registration#close()} stand for the register and
 * unregister calls. Pass the same object to every call: see {@link FtraceOps} on identity, and
 * {@link FtraceOps#builder} for the form that sets the lists before the ops is handed out. A call
 * that throws changes nothing (the exception: {@link FtraceException} on ENODEV after an internal
 * failure). Every method is thread-safe.
 *
 * <p><b>From inside a callback.</b> The lookups ({@link #lookup}, {@link #lookupIp}),
 * {@link #isRegistered}, {@link #callbackErrors}, {@link #ftraceFunctionLocalEnable} and
 * {@link #ftraceFunctionLocalDisable} are fine. So is unregistering the callback's own ops (it waits
 * for every other thread to leave the callback, not for itself). Registering, unregistering other
 * ops and changing filters are allowed but heavy: they take jftrace's registry lock, which the
 * class transformer takes too, retransform classes and, for unregister, wait for other threads'
 * callbacks to finish. <b>From a callback that runs while its thread loads or initialises a
 * class</b> (a traced method called from a static initialiser, from a class loader, or during
 * linkage) they may block until that class is done, or deadlock with a thread that waits for it:
 * do them from ordinary code, or hand them to another thread. {@link #availableFilterFunctions()}
 * reads class files and does not belong in a callback.
 *
 * <p><b>Ips are opaque.</b> An ip is a {@code long} that names one method (or, as a parent ip, one
 * call site in a method) for the life of the JVM: the same method keeps the same ip, and no two
 * methods share one. Resolve an ip with {@link #lookup(long)}, get one with {@link #lookupIp(String)},
 * {@link FunctionInfo#ip()} or a callback's arguments. How the bits encode a method is jftrace's
 * implementation and may change; {@link #UNKNOWN_IP} ({@code 0}) is never a method's ip.
 */
public final class Ftrace {

    /** The {@code parentIp} passed when it was not computed (the ops lacks {@code PARENT_IP}) or is unknown; never a method's ip. */
    public static final long UNKNOWN_IP = 0L;

    private Ftrace() {
    }

    private static Backend backend() {
        Backend b = BackendHolder.get();
        if (b == null) {
            throw new FtraceException(Errno.ENODEV, "the jftrace agent is not installed in this JVM: "
                    + "start it with -javaagent:jftrace-agent.jar, attach it with 'java -jar jftrace-agent.jar PID', "
                    + "or call org.jftrace.agent.JftraceAgent.install() first");
        }
        return b;
    }

    /** {@return the backend, after marking {@code ops} as having state in jftrace (see {@link FtraceOps})} */
    private static Backend backendFor(FtraceOps ops) {
        Backend b = backend();
        ops.markState();
        return b;
    }

    /** {@return whether the agent is installed, so that the other calls do not throw ENODEV for want of it} */
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
     *                         IPMODIFY ops on a method; EINVAL for a flag combination that is not
     *                         allowed (IPMODIFY without SAVE_REGS, IPMODIFY with an empty filter);
     *                         ENODEV without the agent
     */
    public static void registerFtraceFunction(FtraceOps ops) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).register(ops);
    }

    /**
     * Registers {@code ops} as {@link #registerFtraceFunction} does, and returns a handle whose
     * {@link Registration#close()} unregisters it, for try-with-resources:
     * <pre>{@code
     * try (Registration r = Ftrace.register(ops)) {
     *     ...
     * }
     * }</pre>
     * Named without the kernel's words because it is not the kernel's call: it adds the handle.
     *
     * @param ops not {@code null}; left registered
     * @return the registration, open
     * @throws FtraceException as {@link #registerFtraceFunction}; then there is no registration
     */
    public static Registration register(FtraceOps ops) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).register(ops);
        Registration r = new Registration(ops);
        ops.registration = r;
        return r;
    }

    /**
     * {@code register_ftrace_graph}: registers the exit-hook ops {@code gops} (its {@link FgraphOps#ops()}),
     * as {@link #registerFtraceFunction} does.
     *
     * @throws FtraceException as {@link #registerFtraceFunction}
     */
    public static void registerFgraph(FgraphOps gops) {
        registerFtraceFunction(Objects.requireNonNull(gops, "gops").ops());
    }

    /**
     * {@code unregister_ftrace_graph}: as {@link #unregisterFtraceFunction} on {@link FgraphOps#ops()}.
     * When it returns, no thread is inside either handler and none will enter one; an exit whose entry
     * ran before is delivered before this returns or never.
     *
     * @throws FtraceException as {@link #unregisterFtraceFunction}
     */
    public static void unregisterFgraph(FgraphOps gops) {
        unregisterFtraceFunction(Objects.requireNonNull(gops, "gops").ops());
    }

    /**
     * {@code unregister_ftrace_function}: disables {@code ops}. When it returns, no thread is inside
     * its callback and none will enter it (ftrace's RCU-tasks guarantee), except the calling thread
     * itself when it unregisters from inside the callback. Methods that no other ops selects get
     * their original bytecode back. The filter and notrace lists are kept for a later register.
     *
     * @param ops not {@code null}; left unregistered
     * @throws FtraceException EBUSY if {@code ops} is not registered; ENODEV without the agent
     */
    public static void unregisterFtraceFunction(FtraceOps ops) {
        Objects.requireNonNull(ops, "ops");
        backend().unregister(ops);
        ops.registration = null;
    }

    /**
     * {@code ftrace_set_filter}: adds the methods matched by the glob {@code buf} to the filter of
     * {@code ops} (or, with a leading {@code !}, removes them). Syntax: {@code *}, {@code ?},
     * {@code [...]} over {@code binary.class.Name.method}, an optional Java parameter list
     * {@code (int,java.lang.String)} to pick one overload, and an optional {@code :mod:NAME} (a
     * module, or the jar a class path class came from). Patterns are kept: classes loaded later are
     * matched too. An empty filter means every method; so does one whose last entry a {@code !}
     * pattern removed. On a registered ops the change takes effect at once and atomically.
     *
     * @param ops   not {@code null}; registered or not, it stays so
     * @param buf   the pattern; {@code null} or blank with {@code reset} clears the filter (every method)
     * @param reset clear the filter first
     * @throws FtraceException EINVAL if the pattern is malformed (the message shows where), matches
     *                         no method of any loaded class, or is blank without {@code reset}, and
     *                         for a filter that would leave an IPMODIFY ops empty; EBUSY if the
     *                         change would make two IPMODIFY ops on one method; ENODEV without the agent
     */
    public static void ftraceSetFilter(FtraceOps ops, String buf, boolean reset) {
        setFilter(ops, buf, reset, false);
    }

    /**
     * {@link #ftraceSetFilter(FtraceOps, String, boolean)} with readable options:
     * {@link FilterOption#RESET} clears the filter first, {@link FilterOption#PENDING} keeps a
     * pattern that matches nothing loaded yet.
     * <pre>{@code
     * Ftrace.ftraceSetFilter(ops, "com.acme.*", FilterOption.RESET, FilterOption.PENDING);
     * }</pre>
     *
     * @param ops     not {@code null}
     * @param buf     the pattern, as for the boolean form
     * @param options {@code RESET}, {@code PENDING}, or none
     * @throws FtraceException as the boolean form; EINVAL for {@code REMOVE} (remove by pattern
     *                         with a leading {@code !})
     */
    public static void ftraceSetFilter(FtraceOps ops, String buf, FilterOption... options) {
        int o = options(options, "ftraceSetFilter", FilterOption.RESET, FilterOption.PENDING);
        setFilter(ops, buf, has(o, FilterOption.RESET), has(o, FilterOption.PENDING));
    }

    /**
     * Like {@link #ftraceSetFilter(FtraceOps, String, boolean)}, but a pattern that matches nothing
     * loaded yet is kept as a pending pattern instead of failing with EINVAL: the ops then traces
     * nothing until a class with a matching method loads (the kernel's {@code :mod:} cache). Same as
     * {@code ftraceSetFilter(ops, buf, FilterOption.PENDING)} (with {@code RESET} if {@code reset}).
     *
     * @param ops   not {@code null}; registered or not, it stays so
     * @param buf   the pattern; {@code null} or blank with {@code reset} clears the filter
     * @param reset clear the filter first
     * @throws FtraceException EINVAL if the pattern is malformed; EBUSY as for ftraceSetFilter;
     *                         ENODEV without the agent
     */
    public static void ftraceSetFilterPending(FtraceOps ops, String buf, boolean reset) {
        setFilter(ops, buf, reset, true);
    }

    static void setFilter(FtraceOps ops, String buf, boolean reset, boolean pending) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).setFilter(ops, buf, reset, pending);
    }

    /**
     * {@code ftrace_set_notrace}: adds the methods matched by {@code buf} to the notrace list of
     * {@code ops}; notrace wins over the filter. {@code reset} clears the notrace list first (and
     * only it). Same syntax as {@link #ftraceSetFilter}.
     *
     * @param ops   not {@code null}; registered or not, it stays so
     * @param buf   the pattern; {@code null} or blank with {@code reset} clears the notrace list
     * @param reset clear the notrace list first
     * @throws FtraceException EINVAL as for {@link #ftraceSetFilter}, and for any notrace change on an
     *                         IPMODIFY ops; ENODEV without the agent
     */
    public static void ftraceSetNotrace(FtraceOps ops, String buf, boolean reset) {
        setNotrace(ops, buf, reset, false);
    }

    /**
     * {@link #ftraceSetNotrace(FtraceOps, String, boolean)} with readable options:
     * {@link FilterOption#RESET} clears the notrace list first, {@link FilterOption#PENDING} keeps a
     * pattern that matches nothing loaded yet.
     *
     * @param ops     not {@code null}
     * @param buf     the pattern, as for the boolean form
     * @param options {@code RESET}, {@code PENDING}, or none
     * @throws FtraceException as the boolean form; EINVAL for {@code REMOVE}
     */
    public static void ftraceSetNotrace(FtraceOps ops, String buf, FilterOption... options) {
        int o = options(options, "ftraceSetNotrace", FilterOption.RESET, FilterOption.PENDING);
        setNotrace(ops, buf, has(o, FilterOption.RESET), has(o, FilterOption.PENDING));
    }

    /**
     * Like {@link #ftraceSetNotrace(FtraceOps, String, boolean)}, keeping a pattern that matches
     * nothing loaded yet. Same as {@code ftraceSetNotrace(ops, buf, FilterOption.PENDING)} (with
     * {@code RESET} if {@code reset}).
     *
     * @param ops   not {@code null}; registered or not, it stays so
     * @param buf   the pattern; {@code null} or blank with {@code reset} clears the notrace list
     * @param reset clear the notrace list first
     * @throws FtraceException EINVAL if the pattern is malformed or the ops has IPMODIFY; ENODEV without the agent
     */
    public static void ftraceSetNotracePending(FtraceOps ops, String buf, boolean reset) {
        setNotrace(ops, buf, reset, true);
    }

    static void setNotrace(FtraceOps ops, String buf, boolean reset, boolean pending) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).setNotrace(ops, buf, reset, pending);
    }

    /**
     * {@code ftrace_set_filter_ip}: adds exactly the method {@code ip} to the filter of {@code ops},
     * or removes it with {@code remove}. On a registered ops the change takes effect at once.
     *
     * @param ops    not {@code null}; registered or not, it stays so
     * @param ip     a method's ip, as {@link #lookupIp} or {@link FunctionInfo#ip()} gives it
     * @param remove take {@code ip} out of the filter instead of adding it (removing the last one
     *               leaves an empty filter: every method)
     * @param reset  clear the filter first
     * @throws FtraceException EINVAL if {@code ip} names no traceable method; ENOENT if
     *                         {@code remove} and {@code ip} is not in the filter; EBUSY if the
     *                         change would make two IPMODIFY ops on one method (an IPMODIFY ops
     *                         already enabled there); EINVAL if it would leave an IPMODIFY ops with
     *                         an empty filter; ENODEV without the agent
     */
    public static void ftraceSetFilterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).setFilterIp(ops, ip, remove, reset);
    }

    /**
     * {@link #ftraceSetFilterIp(FtraceOps, long, boolean, boolean)} with readable options:
     * {@link FilterOption#REMOVE} takes the ip out, {@link FilterOption#RESET} clears the filter
     * first; none adds it.
     * <pre>{@code
     * Ftrace.ftraceSetFilterIp(ops, Ftrace.lookupIp("com.acme.Prices.discount(int)"), FilterOption.RESET);
     * }</pre>
     *
     * @param ops     not {@code null}
     * @param ip      a method's ip
     * @param options {@code REMOVE}, {@code RESET}, or none
     * @throws FtraceException as the boolean form; EINVAL for {@code PENDING} (an ip is resolved already)
     */
    public static void ftraceSetFilterIp(FtraceOps ops, long ip, FilterOption... options) {
        int o = options(options, "ftraceSetFilterIp", FilterOption.RESET, FilterOption.REMOVE);
        ftraceSetFilterIp(ops, ip, has(o, FilterOption.REMOVE), has(o, FilterOption.RESET));
    }

    /**
     * {@code ftrace_function_local_enable}: decrements the calling thread's counter of a PER_CPU
     * ops; its callback runs on this thread while the counter is exactly 0, and every thread's
     * counter starts at 1 (disabled), so an extra enable disables again. On an ops without
     * {@link FtraceOps.Flag#PER_CPU} it has no effect, and jftrace warns once per ops.
     *
     * @param ops not {@code null}; registered or not (the counter is kept either way)
     * @throws FtraceException ENODEV without the agent
     */
    public static void ftraceFunctionLocalEnable(FtraceOps ops) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).localEnable(ops);
    }

    /**
     * {@code ftrace_function_local_disable}: increments the calling thread's counter of a PER_CPU
     * ops (see {@link #ftraceFunctionLocalEnable}). On an ops without {@link FtraceOps.Flag#PER_CPU}
     * it has no effect, and jftrace warns once per ops.
     *
     * @param ops not {@code null}
     * @throws FtraceException ENODEV without the agent
     */
    public static void ftraceFunctionLocalDisable(FtraceOps ops) {
        Objects.requireNonNull(ops, "ops");
        backendFor(ops).localDisable(ops);
    }

    /**
     * {@return whether {@code ops} is registered now}
     *
     * @param ops not {@code null}
     * @throws FtraceException ENODEV without the agent
     */
    public static boolean isRegistered(FtraceOps ops) {
        return backend().isRegistered(Objects.requireNonNull(ops, "ops"));
    }

    /**
     * The kernel's {@code ftrace_test_recursion_trylock()}: marks the calling thread as inside a
     * callback, so that no guarded callback (every ops without {@code RECURSION_SAFE}) runs on it until
     * {@link #ftraceTestRecursionUnlock}. For a {@code RECURSION_SAFE} callback's stretch that calls
     * traceable code, and for a tracer's own threads (the trace clock's ticker), whose JDK calls must
     * not show in a trace. {@return the bit to give back, or -1 if the thread is inside a callback
     * already (then do not unlock)}
     *
     * @throws FtraceException ENODEV without the agent
     */
    public static int ftraceTestRecursionTrylock() {
        return backend().recursionTrylock();
    }

    /**
     * The kernel's {@code ftrace_test_recursion_unlock()}: gives back what
     * {@link #ftraceTestRecursionTrylock()} returned (not -1).
     *
     * @throws FtraceException ENODEV without the agent
     */
    public static void ftraceTestRecursionUnlock(int bit) {
        backend().recursionUnlock(bit);
    }

    /**
     * {@return how many exceptions the callback of {@code ops} threw (each was caught)}
     *
     * @param ops not {@code null}
     * @throws FtraceException ENODEV without the agent
     */
    public static long callbackErrors(FtraceOps ops) {
        return backend().callbackErrors(Objects.requireNonNull(ops, "ops"));
    }

    /**
     * {@return what {@code ip} (a method's ip or a parent ip) resolves to, or empty for an ip that
     * names nothing (such as {@link #UNKNOWN_IP})} Cheap: a table lookup, callable from a callback.
     *
     * @param ip a method's ip or a parent ip
     * @throws FtraceException ENODEV without the agent
     */
    public static Optional<FunctionInfo> lookup(long ip) {
        return backend().lookup(ip);
    }

    /**
     * {@return the ip of the method named {@code name}, {@code binary.class.Name.method} with an
     * optional parameter list} The ip stays the method's for the life of the JVM, so look it up once
     * and keep it.
     *
     * @param name not {@code null}, e.g. {@code java.util.HashMap.get} or {@code com.acme.Prices.discount(int)}
     * @throws FtraceException ENOENT if no loaded class has such a method; EINVAL if the name is
     *                         malformed, or ambiguous (overloads) without a parameter list; ENODEV
     *                         without the agent
     */
    public static long lookupIp(String name) {
        return backend().lookupIp(Objects.requireNonNull(name, "name"));
    }

    /**
     * Checks, changing nothing, that the method {@code replacementIp} can stand in for the method
     * {@code ip}: what {@link Regs#setIp(long)} and a {@link RedirectFunc} would find when they
     * redirect a call of {@code ip} (an instance method of a compatible type, or a static method
     * taking the receiver first; parameter and return types that fit; no constructor). Use it to
     * refuse a bad redirect before registering an IPMODIFY ops, as {@link LivePatch} does.
     *
     * @param ip            the traced method's ip
     * @param replacementIp the replacement's ip
     * @throws FtraceException EINVAL with the reason if it cannot, or if an ip names no method;
     *                         ENODEV without the agent
     */
    public static void checkRedirect(long ip, long replacementIp) {
        backend().checkReplacement(ip, replacementIp);
    }

    /**
     * {@return every traceable method of every loaded class: {@code available_filter_functions}}
     * Costly: it reads the class file of every loaded class that jftrace has not read yet (on a
     * large program, thousands of class files) and builds the whole list; not for a callback or a
     * hot path. To check one name, use {@link #lookupIp(String)}.
     *
     * @throws FtraceException ENODEV without the agent
     */
    public static List<FunctionInfo> availableFilterFunctions() {
        return backend().availableFilterFunctions();
    }

    /**
     * {@return every method that carries a hook now: {@code enabled_functions}}
     *
     * @throws FtraceException ENODEV without the agent
     */
    public static List<EnabledFunction> enabledFunctions() {
        return backend().enabledFunctions();
    }

    /** {@return {@code options} as a bit set}, after checking each is one of {@code allowed} */
    private static int options(FilterOption[] options, String call, FilterOption... allowed) {
        int bits = 0;
        for (FilterOption o : Objects.requireNonNull(options, "options")) {
            Objects.requireNonNull(o, "option");
            boolean ok = false;
            for (FilterOption a : allowed) {
                ok |= a == o;
            }
            if (!ok) {
                throw new FtraceException(Errno.EINVAL, call + " takes " + java.util.Arrays.toString(allowed)
                        + ", not " + o + (o == FilterOption.REMOVE ? ": remove by pattern with a leading '!'" : "")
                        + (o == FilterOption.PENDING ? ": an ip names a loaded method already" : ""));
            }
            bits |= 1 << o.ordinal();
        }
        return bits;
    }

    private static boolean has(int bits, FilterOption o) {
        return (bits & (1 << o.ordinal())) != 0;
    }
}
