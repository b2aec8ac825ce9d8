/**
 * Bytecode: reading a class's methods without loading anything ({@link org.jftrace.internal.bytecode.ClassScanner})
 * and adding or leaving out entry hooks ({@link org.jftrace.internal.bytecode.HookInstrumenter}).
 * Only ASM's streaming core; never {@code COMPUTE_FRAMES} (it loads classes to find common
 * superclasses, from inside a transform); no lambdas (this code runs inside a
 * {@code ClassFileTransformer}, where linking one loads classes). Pure functions of the bytes and
 * the hook plan: the same input gives byte-identical output, so a retransformation with the same
 * plan changes nothing and "original bytes back" can be checked byte for byte.
 */
package org.jftrace.internal.bytecode;
