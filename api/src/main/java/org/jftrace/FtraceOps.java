package org.jftrace;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The kernel's {@code struct ftrace_ops}: a callback ({@code .func}), private data
 * ({@code .private}) and flags ({@code .flags}). Immutable: the {@code with*} methods return a new
 * ops. Identity matters: the object passed to {@link Ftrace#registerFtraceFunction} is the one
 * that must be passed to filter calls and to {@link Ftrace#unregisterFtraceFunction}.
 *
 * <pre>{@code
 * FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> hits.increment())
 *         .withFlags(FtraceOps.Flag.RECURSION_SAFE);
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

    /** {@return a new ops like this one with exactly {@code flags}} */
    public FtraceOps withFlags(Flag... flags) {
        EnumSet<Flag> set = EnumSet.noneOf(Flag.class);
        for (Flag f : flags) {
            set.add(Objects.requireNonNull(f, "flag"));
        }
        return new FtraceOps(func, privateData, Collections.unmodifiableSet(set), name);
    }

    /** {@return a new ops like this one with private data {@code data} (may be {@code null})} */
    public FtraceOps withPrivate(Object data) {
        return new FtraceOps(func, data, flags, name);
    }

    /** {@return a new ops like this one, shown as {@code name} in enabled_functions and reports} */
    public FtraceOps withName(String name) {
        return new FtraceOps(func, privateData, flags, Objects.requireNonNull(name, "name"));
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

    /** {@return whether {@code flag} is set} */
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
}
