package org.jftrace.bench.macro;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The macro benchmark's limit: a hand-written agent that inserts {@code invokestatic LimitCounter.hit()}
 * at the entry of every method with code of one module's classes as they load. It is the least a hook
 * can cost the JVM (the per-method twin of the {@code limit} JMH row): one static call, no dispatch,
 * no checks, a counter. {@code -javaagent:benchmarks.jar=MODULE}; the classes must load after it
 * starts (the benchmark's workload loads the compiler afterwards).
 */
public final class LimitAgent {
    private static final String COUNTER = "org/jftrace/bench/macro/boot/LimitCounter";

    private LimitAgent() {
    }

    public static void premain(String module, Instrumentation inst) throws IOException, ClassNotFoundException {
        inst.appendToBootstrapClassLoaderSearch(new JarFile(counterJar().toFile()));
        Module boot = Class.forName(COUNTER.replace('/', '.'), true, null).getModule();
        Module target = ModuleLayer.boot().findModule(module)
                .orElseThrow(() -> new IllegalArgumentException("no module " + module + " in the boot layer"));
        // A named module reads only what it declares: let it read the boot loader's unnamed module.
        inst.redefineModule(target, Set.of(boot), Map.of(), Map.of(), Set.of(), Map.of());
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module m, ClassLoader loader, String name, Class<?> redefined,
                                    ProtectionDomain pd, byte[] bytes) {
                if (m != target || redefined != null) {
                    return null;
                }
                try {
                    return hook(bytes);
                } catch (RuntimeException e) {
                    System.err.println("[limit] cannot hook " + name + ": " + e);
                    return null;
                }
            }
        });
    }

    /** {@return {@code bytes} with the counter's call at the entry of every method with code} */
    static byte[] hook(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, sig, ex)) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        // Before anything, also in a constructor: it touches no 'this', as jftrace's hook.
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTER, "hit", "()V", false);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Writes the counter class into a jar of its own, for the boot class path. */
    private static Path counterJar() throws IOException {
        Path jar = Files.createTempFile("jftrace-limit-", ".jar");
        jar.toFile().deleteOnExit();
        try (InputStream in = LimitAgent.class.getResourceAsStream("/" + COUNTER + ".class");
             OutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (in == null) {
                throw new IOException(COUNTER + ".class not found beside the agent");
            }
            JarOutputStream j = (JarOutputStream) out;
            j.putNextEntry(new JarEntry(COUNTER + ".class"));
            in.transferTo(j);
            j.closeEntry();
        }
        return jar;
    }
}
