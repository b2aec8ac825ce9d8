package org.jftrace.internal.api;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

/** Only jftrace's start class, from jftrace's own loader, installs a backend. */
class BackendHolderTest {

    private static Backend fakeBackend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (p, m, a) -> {
                    throw new AssertionError("the fake backend was installed and called: " + m);
                });
    }

    @Test
    // a caller that is not the start class is refused, and nothing is installed
    void anyOtherCallerIsRefused() {
        SecurityException e = assertThrows(SecurityException.class, () -> BackendHolder.install(fakeBackend()));
        assertTrue(e.getMessage().contains(BackendHolderTest.class.getName()), e.getMessage());
        assertNull(BackendHolder.get());
    }

    @Test
    // a class with the start class's name, from another loader, is refused too
    void theStartClassNameFromAnotherLoaderIsRefused() throws Exception {
        ClassLoader isolated = new OneClassLoader(BackendHolder.START_CLASS, BackendHolderTest.class.getClassLoader());
        Class<?> standIn = Class.forName(BackendHolder.START_CLASS, true, isolated);
        assertNotSame(BackendHolder.class.getClassLoader(), standIn.getClassLoader());
        Method install = standIn.getMethod("installInto", Backend.class);
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> install.invoke(null, fakeBackend()));
        assertInstanceOf(SecurityException.class, e.getCause());
        assertNull(BackendHolder.get());
    }

    /** Defines one class itself (from its parent's class file), delegating every other class. */
    private static final class OneClassLoader extends ClassLoader {
        private final String name;

        OneClassLoader(String name, ClassLoader parent) {
            super(parent);
            this.name = name;
        }

        @Override
        protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            if (!n.equals(name)) {
                return super.loadClass(n, resolve);
            }
            synchronized (getClassLoadingLock(n)) {
                Class<?> c = findLoadedClass(n);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(n.replace('.', '/') + ".class")) {
                        byte[] b = in.readAllBytes();
                        c = defineClass(n, b, 0, b.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(n, e);
                    }
                }
                return c;
            }
        }
    }
}
