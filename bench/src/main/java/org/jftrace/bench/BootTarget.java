package org.jftrace.bench;

/**
 * The boot-class rows' method: {@code java.lang.Integer.compare(int,int)}, a small JDK method of
 * the boot loader that is not a JIT intrinsic (jftrace refuses intrinsic candidates), has no
 * division, and is of the same size as {@link Target#compute}. jftrace hooks boot classes
 * with the static-call kind ({@code invokestatic Hooks.enter(J)V}: a volatile table load and a
 * virtual call), not with an invokedynamic site. It is a JDK method, so it cannot carry
 * {@code @CompilerControl}: {@link RunBenchmarks} passes {@link #DONT_INLINE} to every fork instead.
 */
public final class BootTarget {
    /** The function name as jftrace's filters and enabled_functions spell it. */
    public static final String METHOD = "java.lang.Integer.compare(int,int)";
    /** Keeps the JIT from inlining the method into the benchmark loop. */
    public static final String DONT_INLINE = "-XX:CompileCommand=dontinline,java.lang.Integer::compare";

    private BootTarget() {
    }
}
