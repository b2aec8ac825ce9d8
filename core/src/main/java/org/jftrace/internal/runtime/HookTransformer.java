package org.jftrace.internal.runtime;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

import org.jftrace.internal.patch.ClassHooker;

/** The retransform-capable transformer; every decision is the {@link ClassHooker}'s. Never throws. */
final class HookTransformer implements ClassFileTransformer {
    private final ClassHooker hooker;

    HookTransformer(ClassHooker hooker) {
        this.hooker = hooker;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            return hooker.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            return null;
        }
    }
}
