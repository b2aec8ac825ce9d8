package org.jftrace;

import java.util.Objects;

/**
 * What an ip resolves to: a traceable method, or a call site inside one (then {@link #bci()} is
 * the bytecode index of the call). The kernel's {@code kallsyms} entry.
 *
 * @param ip         the id this describes (a method's ip has bci 0)
 * @param className  binary class name as a stack trace prints it, e.g. {@code java.util.HashMap}
 * @param methodName method name; {@code <init>} for constructors, {@code <clinit>} for static initialisers
 * @param descriptor JVM method descriptor, e.g. {@code (Ljava/lang/Object;)Ljava/lang/Object;}
 * @param parameters Java parameter list, e.g. {@code (java.lang.Object)}
 * @param module     JPMS module name, or the jar (or directory) a class path class came from, or
 *                   {@code ""} when unknown
 * @param sourceFile the source file named in the class file, or {@code null}
 * @param line       source line of {@code bci}, or -1 when the class has no line table
 * @param bci        bytecode index: 0 for a method's own ip, the call's index for a parent ip
 */
public record FunctionInfo(long ip, String className, String methodName, String descriptor,
                           String parameters, String module, String sourceFile, int line, int bci) {

    public FunctionInfo {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(methodName, "methodName");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(module, "module");
    }

    /** {@return the function name filters match: {@code className.methodName}} */
    public String name() {
        return className + "." + methodName;
    }

    /** {@return the name with its parameter list, which picks one overload} */
    public String signature() {
        return name() + parameters;
    }

    /** {@return {@code name(params)+bci (File.java:line)}, like a stack trace element} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(signature());
        if (bci != 0) {
            sb.append('+').append(bci);
        }
        if (sourceFile != null) {
            sb.append(" (").append(sourceFile);
            if (line >= 0) {
                sb.append(':').append(line);
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
