package org.jftrace.it;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Collection;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;

/** Helpers shared by the in-process integration tests (the test JVM runs with the agent). */
public final class ItSupport {
    private ItSupport() {
    }

    /** Unregisters every ops of {@code ops} that is registered, then clears it (for @AfterEach / finally). */
    public static void unregisterQuietly(Collection<FtraceOps> ops) {
        Throwable first = null;
        for (FtraceOps o : ops) {
            try {
                if (Ftrace.isRegistered(o)) {
                    Ftrace.unregisterFtraceFunction(o);
                }
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                }
            }
        }
        ops.clear();
        if (first != null) {
            throw new AssertionError("cleanup failed", first);
        }
    }

    /**
     * Puts on the notrace list of {@code ops} every function whose name does not start with
     * {@code prefix} (one pending pattern per prefix character: {@code head[!c]*}), so that an ops
     * with an empty filter can only ever hook the test's own classes. {@code prefix} must hold only
     * letters, digits, '.', '_' and '$'.
     */
    public static void notraceAllBut(FtraceOps ops, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            Ftrace.ftraceSetNotracePending(ops, prefix.substring(0, i) + "[!" + prefix.charAt(i) + "]*", false);
        }
    }

    /**
     * Defines one generated class and serves its class file as a resource, as a real loader does
     * (jftrace reads a loaded class's methods from its class file).
     */
    public static final class SingleClassLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        public SingleClassLoader(String name, byte[] bytes, ClassLoader parent) {
            super(parent);
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> findClass(String n) throws ClassNotFoundException {
            if (!n.equals(name)) {
                throw new ClassNotFoundException(n);
            }
            return defineClass(n, bytes, 0, bytes.length);
        }

        @Override
        public InputStream getResourceAsStream(String res) {
            return res.equals(name.replace('.', '/') + ".class") ? new ByteArrayInputStream(bytes)
                    : super.getResourceAsStream(res);
        }
    }
}
