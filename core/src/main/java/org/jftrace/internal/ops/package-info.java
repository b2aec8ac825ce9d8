/**
 * The ops list and each ops' control state (filters, registration), with the filter-editing rules
 * as pure functions ({@link org.jftrace.internal.ops.FilterEditor}). The
 * {@link org.jftrace.internal.ops.OpsList}'s monitor is the control plane's only lock.
 */
package org.jftrace.internal.ops;
