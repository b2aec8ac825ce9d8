package org.jftrace;

/**
 * The options of the filter calls, readable where the kernel passes booleans:
 * {@code Ftrace.ftraceSetFilter(ops, "x.Y.m", FilterOption.RESET)} reads as what it does, and
 * {@code Ftrace.ftraceSetFilter(ops, "x.Y.m", true)} does the same. No option means: add, and fail
 * with EINVAL if the pattern matches nothing loaded.
 */
public enum FilterOption {
    /**
     * Clear the list first: the filter for {@code ftraceSetFilter} and {@code ftraceSetFilterIp},
     * the notrace list for {@code ftraceSetNotrace} (the kernel's {@code reset}).
     */
    RESET,
    /**
     * Keep a pattern that matches no method of any loaded class instead of failing with EINVAL: the
     * ops then traces nothing from it until a class with a matching method loads (the kernel's
     * {@code :mod:} cache). For {@code ftraceSetFilter} and {@code ftraceSetNotrace}.
     */
    PENDING,
    /** Take the ip out of the filter instead of adding it (the kernel's {@code remove}). For {@code ftraceSetFilterIp}. */
    REMOVE
}
