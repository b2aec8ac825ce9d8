package org.jftrace.internal.bytecode;

/**
 * What {@link EntrySplicer} reads of the class file format without a parser: each instruction's
 * length (JVMS 6.5) and the names of the attributes whose offsets a splice moves (JVMS 4.7).
 */
final class ClassFileFormat {
    private ClassFileFormat() {
    }

    /** Each opcode's length in bytes, up to jsr_w (0xc9); the switches and wide are read apart. */
    static final byte[] LENGTHS = lengths();

    private static byte[] lengths() {
        byte[] n = new byte[0xca];
        java.util.Arrays.fill(n, (byte) 1);
        for (int op : new int[] {0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc}) {
            n[op] = 2; // bipush, ldc, loads, stores, ret, newarray
        }
        for (int op = 0x99; op <= 0xa8; op++) {
            n[op] = 3; // if*, goto, jsr
        }
        for (int op = 0xb2; op <= 0xb8; op++) {
            n[op] = 3; // field access, invokevirtual, invokespecial, invokestatic
        }
        for (int op : new int[] {0x11, 0x13, 0x14, 0x84, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7}) {
            n[op] = 3; // sipush, ldc_w, ldc2_w, iinc, new, anewarray, checkcast, instanceof, ifnull, ifnonnull
        }
        n[0xc5] = 4; // multianewarray
        for (int op : new int[] {0xb9, 0xba, 0xc8, 0xc9}) {
            n[op] = 5; // invokeinterface, invokedynamic, goto_w, jsr_w
        }
        return n;
    }

    /** The attribute names the splice moves offsets in, in the order of {@link #attributeName}'s answers. */
    private static final byte[][] ATTRIBUTES = names("Code", "StackMapTable", "LineNumberTable", "LocalVariableTable",
            "LocalVariableTypeTable", "RuntimeVisibleTypeAnnotations", "RuntimeInvisibleTypeAnnotations");

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** {@return the index in {@link #ATTRIBUTES} of the modified UTF-8 at {@code b[p, p + len)}, or -1} */
    static int attributeName(byte[] b, int p, int len) {
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            byte[] name = ATTRIBUTES[i];
            if (name.length == len && sameBytes(b, p, name)) {
                return i;
            }
        }
        return -1;
    }

    /** A loop of our own, not {@code Arrays.equals}: compiled code that inlined a JDK method is thrown away when that class is retransformed. */
    private static boolean sameBytes(byte[] b, int p, byte[] name) {
        for (int k = 0; k < name.length; k++) {
            if (b[p + k] != name[k]) {
                return false;
            }
        }
        return true;
    }
}
