package org.jftrace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The kernel's {@code struct ftrace_ops}: a callback ({@code .func}), private data
 * ({@code .private}) and flags ({@code .flags}).
 *
 * <p><b>Identity matters.</b> An ops is an immutable value, but jftrace keeps its filter, notrace
 * list, registration and per-thread counters for <em>this object</em>: the object given to
 * {@link Ftrace#ftraceSetFilter} is the one that must be registered, changed and unregistered. The
 * {@code with*} methods return a <em>new</em> ops, which has none of that state, and an ops with an
 * empty filter traces every method of the JVM. So:
 * <ul>
 * <li><b>{@link #withFlags} replaces all flags</b> (it does not add to them), and every
 *     {@code with*} call belongs before the first {@link Ftrace} call that gives the ops state;</li>
 * <li>a {@code with*} call on an ops that was already passed to such a call
 *     ({@link Ftrace#ftraceSetFilter}, {@link Ftrace#ftraceSetNotrace},
 *     {@link Ftrace#ftraceSetFilterIp}, {@link Ftrace#registerFtraceFunction}, {@link Ftrace#register},
 *     {@link Ftrace#ftraceFunctionLocalEnable}, {@link Ftrace#ftraceFunctionLocalDisable}, or a
 *     {@link Builder#build()} that set lists) throws {@link IllegalStateException}, even when that
 *     call itself threw: the copy would silently start from an empty filter.</li>
 * </ul>
 *
 * <p>The form that cannot lose its filter is the builder: {@link Builder#build()} returns the one ops,
 * its filter and notrace lists already set, and that object is what you register.
 * <pre>{@code
 * FtraceOps ops = FtraceOps.builder((ip, parentIp, op, regs) -> hits.increment())
 *         .flags(FtraceOps.Flag.RECURSION_SAFE)
 *         .filter("java.util.HashMap.get")
 *         .build();
 * try (Registration r = Ftrace.register(ops)) {
 *     ...
 * }
 * }</pre>
 * The copy-and-call form works too, in this order:
 * <pre>{@code
 * FtraceOps ops = FtraceOps.of(func).withFlags(FtraceOps.Flag.RECURSION_SAFE).withName("hits");
 * Ftrace.ftraceSetFilter(ops, "java.util.HashMap.get", false);
 * Ftrace.registerFtraceFunction(ops);
 * }</pre>
 */
public final class FtraceOps {

    /** The ops flags: the kernel's {@code FTRACE_OPS_FL_*}, with their JVM meaning. */
    public enum Flag {
        /** {@code FTRACE_OPS_FL_PER_CPU}: enabled per thread, starting disabled on every thread. */
        PER_CPU,
        /** {@code FTRACE_OPS_FL_SAVE_REGS}: the callback gets the receiver and arguments. */
        SAVE_REGS,
        /** {@code FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED}: regs where they can be had, else null. */
        SAVE_REGS_IF_SUPPORTED,
        /**
         * {@code FTRACE_OPS_FL_RECURSION_SAFE}: no per-thread recursion guard around the callback;
         * the callback must itself cope with traced methods it calls.
         */
        RECURSION_SAFE,
        /** {@code FTRACE_OPS_FL_IPMODIFY}: the callback may redirect the call to another method. */
        IPMODIFY,
        /** {@code FTRACE_OPS_FL_RCU}: called only where the runtime is "watching". */
        RCU,
        /**
         * jftrace only: compute {@code parentIp} (the caller's call site) for each call. It is a
         * stack walk, which costs microseconds; without this flag {@code parentIp} is
         * {@link Ftrace#UNKNOWN_IP}.
         */
        PARENT_IP
    }

    private final FtraceFunc func;
    private final Object privateData;
    private final Set<Flag> flags;
    private final String name;
    /**
     * Whether this object was handed to a call that gives it state in jftrace. Set by
     * {@link Ftrace} before it delegates, read by the {@code with*} methods; never cleared.
     */
    private volatile boolean hasState;
    /** The registration {@link Ftrace#register} made last, until an unregister; see {@link Registration#close()}. */
    volatile Registration registration;

    private FtraceOps(FtraceFunc func, Object privateData, Set<Flag> flags, String name) {
        this.func = func;
        this.privateData = privateData;
        this.flags = flags;
        this.name = name;
    }

    /**
     * {@return a new ops with callback {@code func}, no private data and no flags}
     *
     * @param func the callback, not {@code null}
     */
    public static FtraceOps of(FtraceFunc func) {
        Objects.requireNonNull(func, "func");
        return new FtraceOps(func, null, Collections.unmodifiableSet(EnumSet.noneOf(Flag.class)), null);
    }

    /**
     * {@return a builder of an ops with callback {@code func}}: flags, private data, name, filter
     * and notrace patterns are given first, and {@link Builder#build()} makes the ops with its
     * lists set.
     *
     * @param func the callback, not {@code null}
     */
    public static Builder builder(FtraceFunc func) {
        return new Builder(Objects.requireNonNull(func, "func"));
    }

    /**
     * {@return a new ops like this one with <b>exactly</b> {@code flags}: the flags of this ops are
     * replaced, not added to} The new ops has no filter, notrace list or registration.
     *
     * @param flags not {@code null}, no {@code null} element; none means no flags
     * @throws IllegalStateException if this ops already has state in jftrace (see the class doc)
     */
    public FtraceOps withFlags(Flag... flags) {
        checkNoState("withFlags");
        return new FtraceOps(func, privateData, flagSet(flags), name);
    }

    /**
     * {@return a new ops like this one with private data {@code data}} The new ops has no filter,
     * notrace list or registration.
     *
     * @param data the private data, may be {@code null}
     * @throws IllegalStateException if this ops already has state in jftrace (see the class doc)
     */
    public FtraceOps withPrivate(Object data) {
        checkNoState("withPrivate");
        return new FtraceOps(func, data, flags, name);
    }

    /**
     * {@return a new ops like this one, shown as {@code name} in enabled_functions and reports} The
     * new ops has no filter, notrace list or registration.
     *
     * @param name not {@code null}
     * @throws IllegalStateException if this ops already has state in jftrace (see the class doc)
     */
    public FtraceOps withName(String name) {
        Objects.requireNonNull(name, "name");
        checkNoState("withName");
        return new FtraceOps(func, privateData, flags, name);
    }

    /** {@return the callback ({@code .func})} */
    public FtraceFunc func() {
        return func;
    }

    /** {@return the private data ({@code .private}), or {@code null}} */
    public Object privateData() {
        return privateData;
    }

    /** {@return the flags, unmodifiable} */
    public Set<Flag> flags() {
        return flags;
    }

    /**
     * {@return whether {@code flag} is set}
     *
     * @param flag the flag to test
     */
    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** {@return the display name: the one given, or the callback's class and this ops' identity} */
    public String name() {
        if (name != null) {
            return name;
        }
        return func.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public String toString() {
        return "FtraceOps[" + name() + ", flags=" + flags + "]";
    }

    /** Records that this object is about to get state in jftrace; {@link Ftrace} calls it before delegating. */
    void markState() {
        hasState = true;
    }

    private void checkNoState(String method) {
        if (hasState) {
            throw new IllegalStateException(method + " on " + name() + ", which already has a filter, notrace list, "
                    + "filter ip, registration or per-thread count in jftrace: that state belongs to this object, "
                    + "and the copy would start with an empty filter (every method). Set flags, private data and "
                    + "name before the first Ftrace call on the ops, or make it in one go with "
                    + "FtraceOps.builder(func).flags(...).filter(...).build()");
        }
    }

    private static Set<Flag> flagSet(Flag... flags) {
        EnumSet<Flag> set = EnumSet.noneOf(Flag.class);
        for (Flag f : flags) {
            set.add(Objects.requireNonNull(f, "flag"));
        }
        return Collections.unmodifiableSet(set);
    }

    /**
     * Makes one ops whose filter and notrace lists are set before anyone holds it, so that the
     * object registered is the object filtered. Not thread-safe; reusable ({@link #build()} makes
     * a new ops each time, with the builder's current settings).
     *
     * <p>The pattern calls are kept in the order given and replayed by {@link #build()} on the new
     * ops, as the {@link Ftrace} calls they stand for: {@link #filter} is
     * {@code ftraceSetFilter(ops, glob, false)}, {@link #filterPending} the same with
     * {@link FilterOption#PENDING}, {@link #filterIp} is {@code ftraceSetFilterIp(ops, ip, false, false)},
     * {@link #notrace} and {@link #notracePending} likewise. So order matters where it does for
     * those calls: {@code filter("a.B.*", "!a.B.m")} selects every method of {@code a.B} but {@code m}.
     */
    public static final class Builder {
        private final FtraceFunc func;
        private Object privateData;
        private Set<Flag> flags = flagSet();
        private String name;
        private final List<Step> steps = new ArrayList<>();

        /** One pattern call to replay on the built ops. */
        private record Step(Kind kind, String glob, long ip, boolean pending) {
        }

        private enum Kind { FILTER, NOTRACE, FILTER_IP }

        private Builder(FtraceFunc func) {
            this.func = func;
        }

        /**
         * Sets <b>exactly</b> these flags, replacing those of an earlier call.
         *
         * @param flags not {@code null}, no {@code null} element
         * @return this builder
         */
        public Builder flags(Flag... flags) {
            this.flags = flagSet(flags);
            return this;
        }

        /**
         * Sets the private data ({@code .private}).
         *
         * @param data may be {@code null}
         * @return this builder
         */
        public Builder privateData(Object data) {
            this.privateData = data;
            return this;
        }

        /**
         * Sets the name shown in enabled_functions and reports.
         *
         * @param name not {@code null}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Adds filter patterns ({@link Ftrace#ftraceSetFilter(FtraceOps, String, boolean)} syntax,
         * {@code !} included); each must match a method of a loaded class when {@link #build()}
         * runs.
         *
         * @param globs not {@code null}, no {@code null} element
         * @return this builder
         */
        public Builder filter(String... globs) {
            return add(Kind.FILTER, globs, false);
        }

        /**
         * Adds filter patterns that may match nothing loaded yet ({@link FilterOption#PENDING}): the
         * ops then traces nothing until a class with a matching method loads.
         *
         * @param globs not {@code null}, no {@code null} element
         * @return this builder
         */
        public Builder filterPending(String... globs) {
            return add(Kind.FILTER, globs, true);
        }

        /**
         * Adds methods to the filter by ip ({@link Ftrace#ftraceSetFilterIp(FtraceOps, long, boolean, boolean)}).
         *
         * @param ips method ips, as {@link Ftrace#lookupIp} gives them, not {@code null}
         * @return this builder
         */
        public Builder filterIp(long... ips) {
            for (long ip : ips) {
                steps.add(new Step(Kind.FILTER_IP, null, ip, false));
            }
            return this;
        }

        /**
         * Adds notrace patterns ({@link Ftrace#ftraceSetNotrace(FtraceOps, String, boolean)}); each
         * must match a method of a loaded class when {@link #build()} runs.
         *
         * @param globs not {@code null}, no {@code null} element
         * @return this builder
         */
        public Builder notrace(String... globs) {
            return add(Kind.NOTRACE, globs, false);
        }

        /**
         * Adds notrace patterns that may match nothing loaded yet ({@link FilterOption#PENDING}).
         *
         * @param globs not {@code null}, no {@code null} element
         * @return this builder
         */
        public Builder notracePending(String... globs) {
            return add(Kind.NOTRACE, globs, true);
        }

        private Builder add(Kind kind, String[] globs, boolean pending) {
            for (String g : globs) {
                steps.add(new Step(kind, Objects.requireNonNull(g, "glob"), 0L, pending));
            }
            return this;
        }

        /**
         * {@return a new ops, unregistered, whose filter and notrace lists hold the patterns and ips
         * given} Register this very object. Without patterns or ips it needs no agent (like
         * {@link FtraceOps#of}); with them it sets them through jftrace, so the agent must be
         * installed, and the result has state in jftrace, so its {@code with*} methods throw: give
         * flags, private data and name to the builder.
         *
         * <p>A build that throws leaves nothing behind: the half-made ops is never handed out and
         * jftrace forgets it with the garbage collector.
         *
         * @throws FtraceException EINVAL if a pattern is malformed or (not pending) matches no method
         *                         of a loaded class, if an ip names no traceable method, or for a
         *                         notrace pattern on an IPMODIFY ops; ENODEV if the agent is not
         *                         installed and there is a pattern or ip to set
         */
        public FtraceOps build() {
            FtraceOps ops = new FtraceOps(func, privateData, flags, name);
            for (Step s : steps) {
                switch (s.kind()) {
                    case FILTER:
                        Ftrace.setFilter(ops, s.glob(), false, s.pending());
                        break;
                    case NOTRACE:
                        Ftrace.setNotrace(ops, s.glob(), false, s.pending());
                        break;
                    default:
                        Ftrace.ftraceSetFilterIp(ops, s.ip(), false, false);
                        break;
                }
            }
            return ops;
        }
    }
}
