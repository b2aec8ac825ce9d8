/**
 * The boot bridge: the only jftrace classes on the boot class path. Hooked code of every class
 * loader, {@code java.base} included, calls into these classes; they call back into jftrace's core,
 * which lives in the agent's loader, through targets the core installs once.
 *
 * <p>Rules, from what real agents learned hooking JDK classes:
 * <ul>
 * <li>Types on the boundary are JDK types only (primitives, Object): hooked classes resolve them.</li>
 * <li>No lambdas, no string concatenation by invokedynamic: this code runs while classes link.</li>
 * <li>The bootstrap method never throws: a failure links a no-op and is reported.</li>
 * </ul>
 * Written by the core (install, targets); read by hooked code on every call.
 */
package org.jftrace.internal.boot;
