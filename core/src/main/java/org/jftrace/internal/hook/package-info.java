/**
 * The hook machinery: the function table (ip to method and back), the ops registry and filters,
 * hook-site targets (per-method call sites, the static table), trampolines, the recursion guard,
 * the unregister grace period, and the transformer's decisions. Writers hold the
 * {@link org.jftrace.internal.hook.Registry} lock; hooked calls read published state and never lock.
 */
package org.jftrace.internal.hook;
