/** jftrace's own log on standard error, by tag ({@link org.jftrace.internal.log.Log}). */
package org.jftrace.internal.log;
