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
            return parametersOf(descriptor);
        }
    }

    /** {@return the Java parameter list of method descriptor {@code descriptor}, e.g. {@code (int,java.lang.String[])}} */
    public static String parametersOf(String descriptor) {
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

    /**
     * {@return the methods of class file {@code bytes}} Walks the class file's structure and skips
     * every method's instructions: only the attributes the table needs are read (Code's presence,
     * LineNumberTable, the intrinsic annotations, SourceFile), about ten times less work than ASM's
     * visit of every instruction on a first register, where thousands of class files are scanned at
     * once. {@link #scanWithAsm} is the reference it must agree with.
     * @throws IllegalArgumentException if it cannot be parsed
     */
    public static ScannedClass scan(byte[] bytes) {
        try {
            return new Walk(new ClassReader(bytes)).scan();
        } catch (RuntimeException e) { // ASM's reader throws IllegalArgumentException, a short file out-of-bounds
            throw new IllegalArgumentException("cannot read class file: " + e, e);
        }
    }

    /** The same, through ASM's visitor over every instruction. */
    static ScannedClass scanWithAsm(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        Collector c = new Collector();
        reader.accept(c, ClassReader.SKIP_FRAMES);
        return new ScannedClass(c.name, c.version & 0xFFFF, c.access, c.source, c.methods);
    }

    /** A walk over the class file's structure, with ASM's reader for the constant pool. */
    private static final class Walk {
        private final ClassReader r;
        private final char[] buf;

        Walk(ClassReader r) {
            this.r = r;
            this.buf = new char[r.getMaxStringLength()];
        }

        ScannedClass scan() {
            int major = r.readUnsignedShort(6);
            int at = r.header;
            int access = r.readUnsignedShort(at);
            String name = r.getClassName();
            at += 6;
            at += 2 + 2 * r.readUnsignedShort(at); // interfaces
            int fields = r.readUnsignedShort(at);
            at += 2;
            for (int i = 0; i < fields; i++) {
                at = skipAttributes(at + 6);
            }
            List<ScannedMethod> methods = new ArrayList<>();
            int count = r.readUnsignedShort(at);
            at += 2;
            for (int i = 0; i < count; i++) {
                at = method(at, methods);
            }
            String source = null;
            int attributes = r.readUnsignedShort(at);
            at += 2;
            for (int i = 0; i < attributes; i++) {
                String attr = r.readUTF8(at, buf);
                int length = r.readInt(at + 2);
                if ("SourceFile".equals(attr)) {
                    source = r.readUTF8(at + 6, buf);
                } else {
                    access |= pseudoAccess(attr);
                }
                at += 6 + length;
            }
            return new ScannedClass(name, major, access, source, methods);
        }

        /** {@return the offset after the method at {@code at}}, added to {@code methods} */
        private int method(int at, List<ScannedMethod> methods) {
            int access = r.readUnsignedShort(at);
            String mname = r.readUTF8(at + 2, buf);
            String desc = r.readUTF8(at + 4, buf);
            int attributes = r.readUnsignedShort(at + 6);
            at += 8;
            boolean code = false;
            boolean intrinsic = false;
            int line = -1;
            for (int i = 0; i < attributes; i++) {
                String attr = r.readUTF8(at, buf);
                int length = r.readInt(at + 2);
                int body = at + 6;
                if ("Code".equals(attr)) {
                    code = true;
                    line = firstLine(body);
                } else if ("RuntimeVisibleAnnotations".equals(attr) || "RuntimeInvisibleAnnotations".equals(attr)) {
                    intrinsic |= intrinsicMark(body);
                } else if ("Synthetic".equals(attr) || "Deprecated".equals(attr)) {
                    access |= pseudoAccess(attr);
                }
                at = body + length;
            }
            methods.add(new ScannedMethod(mname, desc, access, line, intrinsic, code));
            return at;
        }

        /** The flags ASM adds to an access word for these attributes (its ACC_SYNTHETIC, ACC_DEPRECATED, ACC_RECORD). */
        private static int pseudoAccess(String attr) {
            switch (attr) {
                case "Synthetic":
                    return Opcodes.ACC_SYNTHETIC;
                case "Deprecated":
                    return Opcodes.ACC_DEPRECATED;
                case "Record":
                    return Opcodes.ACC_RECORD;
                default:
                    return 0;
            }
        }

        /**
         * The line ASM visits first: the one at the lowest code offset of every LineNumberTable (the
         * first listed among those at that offset), or -1 without one.
         */
        private int firstLine(int code) {
            int codeLength = r.readInt(code + 4);
            int at = code + 8 + codeLength;
            at += 2 + 8 * r.readUnsignedShort(at); // exception table
            int attributes = r.readUnsignedShort(at);
            at += 2;
            int bestPc = Integer.MAX_VALUE;
            int line = -1;
            for (int i = 0; i < attributes; i++) {
                int length = r.readInt(at + 2);
                if ("LineNumberTable".equals(r.readUTF8(at, buf))) {
                    int n = r.readUnsignedShort(at + 6);
                    for (int k = 0; k < n; k++) {
                        int pc = r.readUnsignedShort(at + 8 + 4 * k);
                        int l = r.readUnsignedShort(at + 10 + 4 * k);
                        if (pc < bestPc && pc <= codeLength && l != 0) {
                            bestPc = pc;
                            line = l;
                        }
                    }
                }
                at += 6 + length;
            }
            return line;
        }

        /** {@return whether the annotations at {@code at} hold an intrinsic-candidate mark} */
        private boolean intrinsicMark(int at) {
            int n = r.readUnsignedShort(at);
            at += 2;
            boolean found = false;
            for (int i = 0; i < n; i++) {
                String type = r.readUTF8(at, buf);
                found |= INTRINSIC_17.equals(type) || INTRINSIC_OLD.equals(type);
                at = skipAnnotation(at);
            }
            return found;
        }

        private int skipAnnotation(int at) {
            int pairs = r.readUnsignedShort(at + 2);
            at += 4;
            for (int i = 0; i < pairs; i++) {
                at = skipElementValue(at + 2);
            }
            return at;
        }

        private int skipElementValue(int at) {
            switch (r.readByte(at)) {
                case 'e':
                    return at + 5;
                case '@':
                    return skipAnnotation(at + 1);
                case '[': {
                    int n = r.readUnsignedShort(at + 1);
                    at += 3;
                    for (int i = 0; i < n; i++) {
                        at = skipElementValue(at);
                    }
                    return at;
                }
                default: // B C D F I J S Z s c: one constant pool index
                    return at + 3;
            }
        }

        private int skipAttributes(int at) {
            int n = r.readUnsignedShort(at);
            at += 2;
            for (int i = 0; i < n; i++) {
                at += 6 + r.readInt(at + 2);
            }
            return at;
        }
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
