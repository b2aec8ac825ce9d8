package org.jftrace.internal.bytecode;

import java.util.Map;

import org.jftrace.internal.boot.Hooks;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AnalyzerAdapter;

/**
 * Adds an entry hook to chosen methods of a class file and forwards everything else untouched
 * (reader, then this, then a writer that copies the constant pool and the unchanged methods).
 *
 * <p>The hook is two instructions at offset 0, with an empty operand stack and no branch, so the
 * method's own stack map frames stay valid and none is computed (no class is ever loaded here):
 * <ul>
 * <li>{@link Kind#INDY}: {@code invokedynamic hook()V} bootstrapped by
 *     {@code Hooks.link(Lookup, String, MethodType, long ip)};</li>
 * <li>{@link Kind#STATIC}: {@code ldc2_w ip; invokestatic Hooks.enter(J)V};</li>
 * <li>an entry, for any kind: {@code sipush hi; sipush lo; invokestatic ENTRY.enter(II)V}, ENTRY a
 *     class the core generated for the method's set of ops, {@code hi} and {@code lo} the two halves of
 *     the method's index ({@link #ipHigh}, {@link #ipLow}).</li>
 * </ul>
 * The entry hook carries its ip in its operands, not in a {@code CONSTANT_Long}: a constant per
 * method is a constant the JVM must look for in the class's whole old pool when it first
 * retransforms the class (its constant-pool merge was a quarter of the first register on every
 * method of a JVM; BENCHMARKS.md, "The first register: no constant per method").
 * A constructor's hook also runs first, before {@code super()}: it touches no {@code this}.
 */
public final class HookInstrumenter {
    static final String TYPE_HOOKS = "org/jftrace/internal/boot/Hooks";
    static final String METHOD_ENTER = "enter";
    static final String METHOD_ENTER_DESC = "(J)V";
    /** An entry's {@code enter}: the function index in two halves, each a {@code sipush}. */
    public static final String ENTRY_ENTER_DESC = "(II)V";
    static final String METHOD_LINK = "link";
    static final String METHOD_LINK_DESC = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;J)Ljava/lang/invoke/CallSite;";
    static final String INDY_NAME = "jftraceHook";
    static final String INDY_DESC = "()V";
    static final Handle LINK = new Handle(Opcodes.H_INVOKESTATIC, TYPE_HOOKS, METHOD_LINK,
            METHOD_LINK_DESC, false);

    /** The hook site kind. */
    public enum Kind {
        /** invokedynamic on a per-method call site: the JIT inlines the callbacks. */
        INDY,
        /** invokestatic of the shared dispatcher: for boot/platform classes and class files before 51. */
        STATIC
    }

    private HookInstrumenter() {
    }

    /**
     * {@return the high half of the function index of entry ip {@code ip}: an entry hook's first
     * {@code sipush}} An entry ip has no bci bits and an index under 2^31, so the half fits.
     */
    public static int ipHigh(long ip) {
        if ((ip & ((1L << Hooks.IP_SHIFT) - 1)) != 0 || ip >>> Hooks.IP_SHIFT > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a function's entry ip: " + Long.toHexString(ip));
        }
        return (int) (ip >>> (Hooks.IP_SHIFT + 16));
    }

    /** {@return the low half of the function index of entry ip {@code ip}, signed: the second {@code sipush}} */
    public static int ipLow(long ip) {
        return (short) (ip >>> Hooks.IP_SHIFT);
    }

    /** {@return the ip an entry's {@code enter(hi, lo)} stands for: what its generated code computes} */
    public static long ipOf(int high, int low) {
        return Hooks.ip(high, low);
    }

    /**
     * {@return {@code bytes} with a hook at the entry of each method in {@code ips}}
     *
     * @param ips  ip of each method to hook, keyed by {@code name + descriptor}
     * @throws IllegalArgumentException for {@link Kind#INDY} on a class file older than version 51
     * @throws RuntimeException from ASM when the result is invalid, e.g. a method over 64 KiB
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, Kind kind) {
        return instrument(bytes, ips, java.util.Collections.<String>emptySet(), kind);
    }

    /**
     * Like {@link #instrument(byte[], Map, Kind)}; the methods in {@code withRegs} (keys as in
     * {@code ips}) get the hook that saves registers: it passes the receiver and the arguments
     * (primitives as raw bits in a {@code long[]}, references in an {@code Object[]}; nothing is
     * boxed) and, when the call returns non-null, reloads the arguments from the arrays and, if
     * the call returned a redirect rather than {@code Hooks.CHANGED},
     * returns {@code Hooks.redirect}'s result instead of running the body (never in a constructor,
     * whose body must call {@code super()}).
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, java.util.Set<String> withRegs, Kind kind) {
        return instrument(bytes, ips, withRegs, java.util.Collections.<String, String>emptyMap(), kind);
    }

    /**
     * Like {@link #instrument(byte[], Map, java.util.Set, Kind)}; the plain hook of a method in
     * {@code entries} (keys as in {@code ips}) is {@code sipush hi; sipush lo; invokestatic ENTRY.enter(II)V},
     * ENTRY the internal name it maps to (one of the core's entry classes), whatever the kind.
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, java.util.Set<String> withRegs,
                                    Map<String, String> entries, Kind kind) {
        return instrument(bytes, ips, withRegs, entries, java.util.Collections.<String, Graph>emptyMap(), kind);
    }

    /** A method's exit hooks: its ip and how many exit-hook ops it carries. */
    public record Graph(long ip, int slots) {
    }

    /**
     * Like {@link #instrument(byte[], Map, java.util.Set, Map, Kind)}; the methods in {@code graphs}
     * (keys as in {@code ips}; they need not be in {@code ips}) also get exit hooks ({@link ExitHook}),
     * whatever the kind: static calls of the boot bridge, which every class can make.
     */
    public static byte[] instrument(byte[] bytes, Map<String, Long> ips, java.util.Set<String> withRegs,
                                    Map<String, String> entries, Map<String, Graph> graphs, Kind kind) {
        int version = bytes.length < 8 ? 0 : (bytes[6] & 0xFF) << 8 | bytes[7] & 0xFF;
        if (kind == Kind.INDY && version < Opcodes.V1_7) {
            throw new IllegalArgumentException("class file version " + version + " cannot hold invokedynamic; use Kind.STATIC");
        }
        if (withRegs.isEmpty() && graphs.isEmpty() && entries.keySet().containsAll(ips.keySet())) {
            byte[] spliced = EntrySplicer.splice(bytes, ips, entries); // every hook an entry: no re-encoding
            if (spliced != null) {
                return spliced;
            }
        }
        return withAsm(new ClassReader(bytes), ips, withRegs, entries, graphs, kind);
    }

    /** {@link #instrument(byte[], Map, java.util.Set, Map, Map, Kind)} by ASM alone (the splicer's reference, in tests). */
    static byte[] withAsm(ClassReader reader, Map<String, Long> ips, java.util.Set<String> withRegs,
                          Map<String, String> entries, Map<String, Graph> graphs, Kind kind) {
        ClassWriter writer = new ClassWriter(reader, 0);
        Map<String, Shape> shapes = graphs.isEmpty() ? java.util.Collections.emptyMap() : shapes(reader, graphs);
        // Regs hooks branch, so they add frames, and exit hooks add locals to every frame: ASM wants a
        // method's frames all expanded then.
        reader.accept(new Inserter(writer, ips, withRegs, entries, graphs, shapes, kind),
                withRegs.isEmpty() && graphs.isEmpty() ? 0 : ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** What the exit hook needs to know of a method before it starts: its max_locals and how many returns it has. */
    private record Shape(int maxLocals, int returns) {
    }

    /** The exit hooks' locals go past the method's own: a first pass reads each one's max_locals (and counts returns). */
    private static Map<String, Shape> shapes(ClassReader reader, Map<String, Graph> graphs) {
        Map<String, Shape> out = new java.util.HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String key = name + descriptor;
                if (!graphs.containsKey(key)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    private int returns;

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                            returns++;
                        }
                    }

                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        out.put(key, new Shape(locals, returns));
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return out;
    }

    private static final class Inserter extends ClassVisitor {
        private final Map<String, Long> ips;
        private final java.util.Set<String> withRegs;
        private final Map<String, String> entries;
        private final Map<String, Graph> graphs;
        private final Map<String, Shape> shapes;
        private final Kind kind;
        private String owner;
        private int version;

        Inserter(ClassVisitor cv, Map<String, Long> ips, java.util.Set<String> withRegs, Map<String, String> entries,
                 Map<String, Graph> graphs, Map<String, Shape> shapes, Kind kind) {
            super(Opcodes.ASM9, cv);
            this.ips = ips;
            this.withRegs = withRegs;
            this.entries = entries;
            this.graphs = graphs;
            this.shapes = shapes;
            this.kind = kind;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.owner = name;
            this.version = version & 0xFFFF;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            String key = name + descriptor;
            Graph graph = graphs.get(key);
            Shape shape = shapes.get(key);
            ExitHook exit = null;
            if (graph != null && mv != null && shape != null) {
                // past the method's locals and a regs hook's three (RegsEntryHook)
                int argsSize = (Type.getArgumentsAndReturnSizes(descriptor) >> 2) - ((access & Opcodes.ACC_STATIC) != 0 ? 1 : 0);
                int base = Math.max(shape.maxLocals(), argsSize + 3);
                exit = new ExitHook(mv, graph.ip(), graph.slots(), name, descriptor, base, version >= Opcodes.V1_6);
                mv = exit;
            }
            Long ip = ips.get(key);
            if (ip != null && mv != null) {
                if (withRegs.contains(name + descriptor)) {
                    mv = new RegsEntryHook(mv, ip.longValue(), kind, owner, access, name, descriptor,
                            version >= Opcodes.V1_6);
                } else {
                    mv = new EntryHook(mv, ip.longValue(), kind, entries.get(name + descriptor));
                }
            }
            if (exit != null && shape.returns() > 1 && version >= Opcodes.V1_6) {
                // The returns share one exit block; a jump there needs to know what lies on the stack under the
                // value, which only the method's own code and frames tell (an old class file has no frames, so
                // each of its returns keeps a copy of the exits). First in the chain, it sees only that code.
                AnalyzerAdapter stack = new AnalyzerAdapter(owner, access, name, descriptor, mv);
                exit.shareReturns(stack);
                mv = stack;
            }
            return mv;
        }
    }

    private static final class EntryHook extends MethodVisitor {
        private final long ip;
        private final Kind kind;
        /** The entry class to call, or null for the kind's hook. */
        private final String entry;

        EntryHook(MethodVisitor mv, long ip, Kind kind, String entry) {
            super(Opcodes.ASM9, mv);
            this.ip = ip;
            this.kind = kind;
            this.entry = entry;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (entry != null) {
                super.visitIntInsn(Opcodes.SIPUSH, ipHigh(ip));
                super.visitIntInsn(Opcodes.SIPUSH, ipLow(ip));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, entry, METHOD_ENTER, ENTRY_ENTER_DESC, false);
            } else if (kind == Kind.INDY) {
                super.visitInvokeDynamicInsn(INDY_NAME, INDY_DESC, LINK, Long.valueOf(ip));
            } else {
                super.visitLdcInsn(Long.valueOf(ip));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, TYPE_HOOKS, METHOD_ENTER, METHOD_ENTER_DESC, false);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // The static hook pushes a long (two slots) on an empty stack; the indy hook pushes nothing.
            super.visitMaxs(Math.max(maxStack, 2), maxLocals);
        }
    }
}
