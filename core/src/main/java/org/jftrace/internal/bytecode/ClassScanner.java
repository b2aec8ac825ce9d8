package org.jftrace.internal.bytecode;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** Reads the methods of a class file: names, descriptors, access, first line, intrinsic marks. */
public final class ClassScanner {
    private static final String INTRINSIC_17 = "Ljdk/internal/vm/annotation/IntrinsicCandidate;";
    private static final String INTRINSIC_OLD = "Ljdk/internal/HotSpotIntrinsicCandidate;";

    /** One method as the class file declares it. */
    public static final class ScannedMethod {
        public final String name;
        public final String descriptor;
        public final int access;
        public final int firstLine;
        public final boolean intrinsicCandidate;
        public final boolean hasCode;

        ScannedMethod(String name, String descriptor, int access, int firstLine, boolean intrinsicCandidate,
                      boolean hasCode) {
            this.name = name;
            this.descriptor = descriptor;
            this.access = access;
            this.firstLine = firstLine;
            this.intrinsicCandidate = intrinsicCandidate;
            this.hasCode = hasCode;
        }

        /** {@return the Java parameter list, e.g. {@code (int,java.lang.String[])}} */
        public String parameters() {
            Type[] args = Type.getArgumentTypes(descriptor);
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < args.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(args[i].getClassName());
            }
            return sb.append(')').toString();
        }
    }

    /** A scanned class file. */
    public static final class ScannedClass {
        public final String internalName;
        public final int version;
        public final int access;
        public final String sourceFile;
        public final List<ScannedMethod> methods;

        ScannedClass(String internalName, int version, int access, String sourceFile, List<ScannedMethod> methods) {
            this.internalName = internalName;
            this.version = version;
            this.access = access;
            this.sourceFile = sourceFile;
            this.methods = methods;
        }
    }

    private ClassScanner() {
    }

    /** {@return the methods of class file {@code bytes}} @throws IllegalArgumentException if it cannot be parsed */
    public static ScannedClass scan(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        Collector c = new Collector();
        reader.accept(c, ClassReader.SKIP_FRAMES);
        return new ScannedClass(c.name, c.version & 0xFFFF, c.access, c.source, c.methods);
    }

    private static final class Collector extends ClassVisitor {
        String name;
        int version;
        int access;
        String source;
        final List<ScannedMethod> methods = new ArrayList<>();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.version = version;
            this.access = access;
            this.name = name;
        }

        @Override
        public void visitSource(String source, String debug) {
            this.source = source;
        }

        @Override
        public MethodVisitor visitMethod(int access, String mname, String descriptor, String signature,
                                         String[] exceptions) {
            return new MethodCollector(access, mname, descriptor);
        }

        private final class MethodCollector extends MethodVisitor {
            final int maccess;
            final String mname;
            final String desc;
            int line = -1;
            boolean intrinsic;
            boolean code;

            MethodCollector(int access, String name, String desc) {
                super(Opcodes.ASM9);
                this.maccess = access;
                this.mname = name;
                this.desc = desc;
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                if (INTRINSIC_17.equals(descriptor) || INTRINSIC_OLD.equals(descriptor)) {
                    intrinsic = true;
                }
                return null;
            }

            @Override
            public void visitCode() {
                code = true;
            }

            @Override
            public void visitLineNumber(int l, Label start) {
                if (line < 0) {
                    line = l;
                }
            }

            @Override
            public void visitEnd() {
                methods.add(new ScannedMethod(mname, desc, maccess, line, intrinsic, code));
            }
        }
    }
}
