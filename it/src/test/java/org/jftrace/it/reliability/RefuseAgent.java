package org.jftrace.it.reliability;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicInteger;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An agent loaded after jftrace ({@code -javaagent:refuse.jar}) that makes the JVM refuse every
 * retransformation of {@link FaultsTarget.Refused}: it adds a method to the class file it is
 * offered, a schema change that retransformation does not allow (UnsupportedOperationException).
 */
public final class RefuseAgent {
    static final String REFUSED = "org/jftrace/it/reliability/FaultsTarget$Refused";
    /** How many retransformations of the class this agent spoiled. */
    public static final AtomicInteger refusals = new AtomicInteger();

    private RefuseAgent() {
    }

    public static void premain(String options, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                    ProtectionDomain pd, byte[] bytes) {
                if (redefined == null || !REFUSED.equals(name)) {
                    return null;
                }
                refusals.incrementAndGet();
                ClassWriter cw = new ClassWriter(0);
                new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, cw) {
                    @Override
                    public void visitEnd() {
                        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "added", "()V", null, null);
                        mv.visitCode();
                        mv.visitInsn(Opcodes.RETURN);
                        mv.visitMaxs(0, 0);
                        mv.visitEnd();
                        super.visitEnd();
                    }
                }, 0);
                return cw.toByteArray();
            }
        }, true);
    }
}
