/**
 * The hot path (the kernel's trampolines, {@code ftrace_ops_list_func} and assist function): what a
 * hooked call runs. Per-ops generated trampolines ({@link org.jftrace.internal.dispatch.TrampolinePool}),
 * the checks ({@link org.jftrace.internal.dispatch.Dispatch}), the recursion guard
 * ({@link org.jftrace.internal.dispatch.ThreadGuard}), registers and redirects, and the call-site
 * graphs and relinking that point each hook site at its ops. Imports nothing of the control plane
 * ({@code ops}, {@code patch}, {@code runtime}); reads published state and never takes the ops list's lock.
 * Every class here is jftrace's own code, so never traced.
 */
package org.jftrace.internal.dispatch;
