/**
 * Filter patterns of the kernel's {@code set_ftrace_filter} syntax for Java method names; see
 * {@link org.jftrace.internal.glob.Glob}.
 *
 * <p>Pure functions: glob parsing and matching for filters; no state, no JDK classes beyond
 * java.base; safe to call from a ClassFileTransformer.
 */
package org.jftrace.internal.glob;
