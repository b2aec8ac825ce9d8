/**
 * The {@code jftrace} command: drives jftrace in another JVM, attached by pid (the JVM's trace-cmd).
 */
package org.jftrace.cli;
