/**
 * jftrace's public API: the kernel's ftrace function hooks on the JVM.
 *
 * <ul>
 * <li>{@link org.jftrace.FtraceOps}: {@code struct ftrace_ops}: callback, private data, flags;
 *     {@link org.jftrace.FtraceOps#builder} makes one with its filter set.</li>
 * <li>{@link org.jftrace.FtraceFunc}: the callback, {@code (ip, parentIp, op, regs)}.</li>
 * <li>{@link org.jftrace.Ftrace}: {@code register_ftrace_function}, {@code ftrace_set_filter},
 *     {@code ftrace_set_notrace}, {@code ftrace_set_filter_ip}, the per-CPU calls, and the function
 *     table's lookups ({@code available_filter_functions}, {@code enabled_functions});
 *     {@link org.jftrace.FilterOption} for readable filter options, {@link org.jftrace.Registration}
 *     for try-with-resources.</li>
 * <li>{@link org.jftrace.Regs}: {@code struct pt_regs} for SAVE_REGS and IPMODIFY.</li>
 * <li>{@link org.jftrace.FtraceException} with {@link org.jftrace.Errno}: every error, with the
 *     kernel's errno name; a call that throws changed nothing (but for ENODEV after an internal failure).</li>
 * <li>{@link org.jftrace.LivePatch}: replacing a method in a running JVM, on IPMODIFY.</li>
 * </ul>
 * Everything under {@code org.jftrace.internal} is jftrace's own machinery, not API. Ips are
 * opaque ({@link org.jftrace.Ftrace}).
 */
package org.jftrace;
