/**
 * The code modifier (the kernel's {@code ftrace_modify_all_code}): plans which ops are enabled
 * where ({@link org.jftrace.internal.patch.HookPlanner}, pure), applies a change by relinking and
 * retransforming ({@link org.jftrace.internal.patch.HookApplier}, {@link org.jftrace.internal.patch.Retransformer}),
 * decides each class's hooks at load and retransformation ({@link org.jftrace.internal.patch.ClassHooker}),
 * and disables everything after an internal failure ({@link org.jftrace.internal.patch.KillSwitch}).
 */
package org.jftrace.internal.patch;
