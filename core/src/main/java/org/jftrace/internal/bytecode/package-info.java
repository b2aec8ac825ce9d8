/**
 * Bytecode: reading a class's methods without loading anything ({@link org.jftrace.internal.bytecode.ClassScanner})
 * and adding or leaving out entry hooks ({@link org.jftrace.internal.bytecode.HookInstrumenter}).
 * Only ASM's streaming core; never {@code COMPUTE_FRAMES} (it loads classes, pitfall D1); no
 * lambdas (this code runs inside a {@code ClassFileTransformer}, pitfall E2). Pure functions of the
 * bytes and the hook plan: the same input gives byte-identical output (pitfall C1, C7).
 */
package org.jftrace.internal.bytecode;
