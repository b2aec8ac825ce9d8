package org.jftrace.internal.functions;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/** The reflective objects behind function-table records: for checking redirects and rewritten arguments. */
public final class Reflection {
    private final ClassDiscovery discovery;

    public Reflection(ClassDiscovery discovery) {
        this.discovery = discovery;
    }

    /** {@return the reflective method of {@code m}} @throws FtraceException EINVAL for constructors or when it is gone */
    public Method reflect(MethodRecord m) {
        for (Method x : discovery.classOf(m.owner).getDeclaredMethods()) {
            if (x.getName().equals(m.name) && MethodType.methodType(x.getReturnType(), x.getParameterTypes())
                    .toMethodDescriptorString().equals(m.descriptor)) {
                return x;
            }
        }
        throw new FtraceException(Errno.EINVAL, m + " is not a plain method (constructor or initialiser)");
    }

    /** {@return the parameter classes of {@code m}, or null if they cannot be resolved} */
    public Class<?>[] parameterTypes(MethodRecord m) {
        try {
            if (m.name.equals("<init>")) {
                for (Constructor<?> x : discovery.classOf(m.owner).getDeclaredConstructors()) {
                    if (MethodType.methodType(void.class, x.getParameterTypes()).toMethodDescriptorString()
                            .equals(m.descriptor)) {
                        return x.getParameterTypes();
                    }
                }
                return null;
            }
            return reflect(m).getParameterTypes();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
