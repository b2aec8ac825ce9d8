/**
 * The function table (the kernel's kallsyms and dyn_ftrace records): every method of every class
 * jftrace has seen, by stable index, with what an ip resolves to; how classes get into it
 * ({@link org.jftrace.internal.functions.ClassDiscovery}: class files read with no lock held); what can
 * never be traced ({@link org.jftrace.internal.functions.Notrace}); parent-ip call sites and reflection.
 * Depends on {@code glob}, {@code bytecode} and the API only; knows nothing of ops or hooks.
 */
package org.jftrace.internal.functions;
