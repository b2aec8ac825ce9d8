/**
 * Tracers on jftrace's public API (SPEC section 4): what the kernel builds on {@code ftrace_ops}.
 */
package org.jftrace.tracers;
