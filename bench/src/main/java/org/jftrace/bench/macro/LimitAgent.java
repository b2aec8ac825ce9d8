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
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The macro benchmark's limits: a hand-written agent that inserts {@code invokestatic LimitCounter.hit()}
 * at the entry of every method with code of one module's classes as they load. It is the least a hook
 * can cost the JVM (the per-method twin of the {@code limit} JMH row): one static call, no dispatch,
 * no checks, a counter. {@code -javaagent:benchmarks.jar=MODULE}; the classes must load after it
 * starts (the benchmark's workload loads the compiler afterwards).
 *
 * <p>{@code -javaagent:benchmarks.jar=MODULE,exits} adds the least an exit hook can cost (the twin of
 * the {@code limitExit} JMH row): {@code invokestatic LimitCounter.exit()} before every return and in
 * a catch-all handler that calls it and rethrows, over the body (in a constructor, from the
 * {@code super()} call on: the handler's frame declares no locals, which code where {@code this} is
 * still uninitialised cannot jump to). {@code ...,exits,pad=N} adds N bytes of {@code nop} at entry:
 * the same hook made as big as another, to see what the size alone costs (the JIT's inlining limits).
 *
 * <p>{@code -javaagent:benchmarks.jar=floor} adds no hook: it keeps the {@link Instrumentation} for
 * {@link RegisterTime}, whose floor row retransforms the classes a register changed, unchanged: the
 * least any retransforming tracer pays the JVM to start or stop tracing them.
 */
public final class LimitAgent {
    private static final String COUNTER = "org/jftrace/bench/macro/boot/LimitCounter";

    private LimitAgent() {
    }

    /** The instrumentation of {@code =floor}, else null. */
    static volatile Instrumentation floor;

    public static void premain(String args, Instrumentation inst) throws IOException, ClassNotFoundException {
        if (args.equals("floor")) {
            floor = inst;
            return;
        }
        String[] words = args.split(",");
        String module = words[0];
        boolean exits = words.length > 1 && words[1].equals("exits");
        // "MODULE,exits,pad=N": N bytes of nop at each entry, a hook as big as jftrace's at the same cost
        int pad = words.length > 2 && words[2].startsWith("pad=") ? Integer.parseInt(words[2].substring(4)) : 0;
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
                    return hook(bytes, exits, pad);
                } catch (RuntimeException e) {
                    System.err.println("[limit] cannot hook " + name + ": " + e);
                    return null;
                }
            }
        });
    }

    /** {@return {@code bytes} with the counter's call at the entry of every method with code, and its exits if asked} */
    static byte[] hook(byte[] bytes, boolean exits, int pad) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean frames = reader.readShort(6) >= Opcodes.V1_6;
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                return exits ? new ExitVisitor(mv, name, frames, pad) : new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        // Before anything, also in a constructor: it touches no 'this', as jftrace's hook.
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTER, "hit", "()V", false);
                    }
                };
            }
        }, exits ? ClassReader.EXPAND_FRAMES : 0);
        return writer.toByteArray();
    }

    /** Entry, every return and a catch-all handler: the hand-written exit hook. */
    private static final class ExitVisitor extends MethodVisitor {
        private final boolean frames;
        private boolean preSuper;
        private int pendingNews;
        private final Label start = new Label();
        private boolean started;

        private final int pad;

        ExitVisitor(MethodVisitor mv, String name, boolean frames, int pad) {
            super(Opcodes.ASM9, mv);
            this.frames = frames;
            this.preSuper = name.equals("<init>");
            this.pad = pad;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTER, "hit", "()V", false);
            for (int i = 0; i < pad; i++) {
                super.visitInsn(Opcodes.NOP); // costs nothing once compiled, but counts against the JIT's inlining sizes
            }
            if (!preSuper) {
                super.visitLabel(start);
                started = true;
            }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            if (opcode == Opcodes.NEW && preSuper) {
                pendingNews++;
            }
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
            super.visitMethodInsn(opcode, owner, name, desc, itf);
            if (preSuper && opcode == Opcodes.INVOKESPECIAL && name.equals("<init>")) {
                if (pendingNews > 0) {
                    pendingNews--;
                } else {
                    preSuper = false; // this() or super() returned: 'this' is initialised from here
                    super.visitLabel(start);
                    started = true;
                }
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTER, "exit", "()V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (started) {
                Label end = new Label();
                Label handler = new Label();
                super.visitLabel(end);
                super.visitTryCatchBlock(start, end, handler, null);
                super.visitLabel(handler);
                if (frames) {
                    super.visitFrame(Opcodes.F_NEW, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, COUNTER, "exit", "()V", false);
                super.visitInsn(Opcodes.ATHROW);
            }
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
        }
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
