package org.jftrace.internal.hook;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/** The retransform-capable transformer; every decision is the registry's. Never throws. */
public final class HookTransformer implements ClassFileTransformer {
    private final Registry registry;

    public HookTransformer(Registry registry) {
        this.registry = registry;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            return registry.transform(module, loader, className, classBeingRedefined, protectionDomain,
                    classfileBuffer);
        } catch (Throwable t) {
            return null;
        }
    }
}
