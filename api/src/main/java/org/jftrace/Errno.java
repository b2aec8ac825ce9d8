package org.jftrace;

/** The kernel errno names that jftrace's API reports, with the kernel's meaning. */
public enum Errno {
    /** The ops is in a state that forbids the call (registered twice, not registered, IPMODIFY taken). */
    EBUSY,
    /** The argument is wrong: a malformed or unmatched pattern, an unknown ip, a flag combination. */
    EINVAL,
    /** The thing to remove is not there (an ip that is not in the filter). */
    ENOENT,
    /**
     * jftrace is not installed in this JVM, or disabled itself after an internal failure (then, and
     * only then, the call that reports it may have changed something; see {@link FtraceException}).
     */
    ENODEV
}
