/**
 * An ops' filter and notrace lists (the kernel's filter and notrace hashes): immutable lists of
 * kept patterns and ips ({@link org.jftrace.internal.filter.FilterList}), and the class-name test
 * derived from them ({@link org.jftrace.internal.filter.ClassMatch}). Pure values over the function table.
 */
package org.jftrace.internal.filter;
