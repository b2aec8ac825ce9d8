package org.jftrace.internal.bytecode;

import java.util.Map;

import org.objectweb.asm.ClassReader;

/**
 * Writes the plain entry hook ({@code sipush hi; sipush lo; invokestatic ENTRY.enter(II)V}) into a class file
 * by splicing bytes, without decoding and re-encoding the methods: what {@link HookInstrumenter}
 * does for a class whose hooks are all entries, with the same result (EntrySplicerTest compares the
 * two on real JDK classes), about ten times faster.
 *
 * <p>Why not ASM here: ASM has no pass that inserts an instruction at a method's start without
 * reading every instruction into its visitor chain and writing it again, and registering an ops on
 * every method of a JVM spent most of its time there (0.8 ms a class, BENCHMARKS.md, "Time to
 * register"). Anything this class does not know how to shift exactly (a regs or exit hook, an
 * {@code invokedynamic} hook, type annotations on code, an unknown constant, a method that would
 * pass 64 KiB, a constant pool that would overflow) returns null, and the caller uses ASM.
 *
 * <p>What moves: the hook goes at offset 0 of each chosen method, so every offset into its code
 * moves by the hook's length, and branch offsets (relative) do not. The exception table, the first
 * stack map frame (frames are delta-encoded), line numbers and local variable ranges move; the
 * hook is 9 bytes, or 12 (three {@code nop}s) in a method that holds a {@code tableswitch} or
 * {@code lookupswitch}, whose padding depends on its offset modulo 4. New constants (the entries'
 * method references; the ips are operands) are appended to the constant pool, as ASM's copying
 * writer does.
 */
public final class EntrySplicer {
    private static final int HOOK = 9;
    private static final int HOOK_SWITCH = 12;
    private static final int SIPUSH = 0x11;
    private static final int INVOKESTATIC = 0xb8;
    private static final int NOP = 0x00;
    private EntrySplicer() {
    }

    /**
     * {@return {@code bytes} with the entry hook at the start of each method {@code methods} hooks,
     * or null when this class needs {@link HookInstrumenter}} The result is exactly as long as the
     * class file it holds (the buffer itself: no copy).
     */
    public static byte[] splice(byte[] bytes, SpliceList methods) {
        try {
            return new EntrySplicer.Run(bytes, null, null, methods).run();
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /**
     * {@return {@code bytes} with the entry hook at the start of each method in {@code ips}, or null
     * when this class needs {@link HookInstrumenter}}
     *
     * @param ips     ip of each method to hook, keyed by {@code name + descriptor}
     * @param entries the entry class (internal name) each of those methods calls, same keys
     */
    public static byte[] splice(byte[] bytes, Map<String, Long> ips, Map<String, String> entries) {
        try {
            return new EntrySplicer.Run(bytes, ips, entries, null).run();
        } catch (RuntimeException malformed) {
            return null; // ASM reports what is wrong with the class file
        }
    }

    /** One class file. */
    private static final class Run {
        private final byte[] in;
        /** ASM's reader for the constant pool (offsets, UTF-8) and the numbers; the splice is this class's. */
        private final ClassReader reader;
        private final char[] chars;
        /** Keyed by {@code name + descriptor}, or null when {@link #methods} lists them. */
        private final Map<String, Long> ips;
        private final Map<String, String> entries;
        private final SpliceList methods;
        private final int cpEnd;
        private final ByteOut added = new ByteOut(256);
        private int nextIndex;
        /** Method reference of {@code enter} by entry class; the shared name-and-type, once made. */
        private final java.util.HashMap<String, Integer> refs = new java.util.HashMap<>();
        private int enterNameAndType = -1;
        private int utf8Code = -1;
        private int utf8Frames = -1;
        private int utf8Lines = -1;
        private int utf8Locals = -1;
        private int utf8LocalTypes = -1;
        private int utf8VisibleTypeAnnotations = -1;
        private int utf8InvisibleTypeAnnotations = -1;
        /** An attribute name this class must recognise appears twice in the pool (legal, and ASM's to handle). */
        private boolean duplicateName;

        Run(byte[] in, Map<String, Long> ips, Map<String, String> entries, SpliceList methods) {
            this.in = in;
            this.reader = new ClassReader(in); // checks the magic and version, and indexes the pool
            this.chars = new char[reader.getMaxStringLength()];
            this.ips = ips;
            this.entries = entries;
            this.methods = methods;
            if (methods != null) {
                methods.startClass();
            }
            this.cpEnd = reader.header;
        }

        byte[] run() {
            if (u4(0) != 0xCAFEBABE) {
                return null;
            }
            for (int i = 1; i < reader.getItemCount(); i++) {
                int item = reader.getItem(i); // past the tag; 0 for a long's or double's second slot
                if (item > 0 && in[item - 1] == 1) {
                    noteUtf8(i, item + 2, u2(item));
                }
            }
            if (duplicateName) {
                return null;
            }
            nextIndex = reader.getItemCount();
            int p = cpEnd;
            p += 6; // access, this, super
            p += 2 + 2 * u2(p); // interfaces
            p = skipMembers(p); // fields
            int methodsStart = p;
            int methods = u2(p);
            p += 2;
            // the class's head is written after the methods: their constants go to the pool first
            ByteOut body = this.methods != null ? this.methods.body : new ByteOut(in.length + in.length / 8);
            body.size = 0;
            body.put(in, cpEnd, methodsStart + 2 - cpEnd);
            int hooked = 0;
            for (int m = 0; m < methods; m++) {
                int start = p;
                long ip = 0;
                String entry = null;
                boolean chosen;
                if (this.methods != null) {
                    int k = this.methods.find(reader, in, chars, m, p);
                    chosen = k >= 0 && this.methods.entries[k] != null;
                    if (chosen) {
                        ip = this.methods.ips[k];
                        entry = this.methods.entries[k];
                    }
                } else {
                    String key = reader.readUTF8(p + 2, chars) + reader.readUTF8(p + 4, chars);
                    Long boxed = ips.get(key);
                    chosen = boxed != null;
                    if (chosen) {
                        ip = boxed;
                        entry = entries.get(key);
                    }
                }
                int attributes = u2(p + 6);
                p += 8;
                if (!chosen) {
                    for (int a = 0; a < attributes; a++) {
                        p += 6 + u4(p + 2);
                    }
                    body.put(in, start, p - start);
                    continue;
                }
                if (entry == null) {
                    return null; // another kind of hook: ASM's
                }
                body.put(in, start, 8);
                for (int a = 0; a < attributes; a++) {
                    int length = u4(p + 2);
                    if (u2(p) == utf8Code) {
                        if (!code(body, p, ip, methodRef(entry))) {
                            return null;
                        }
                        hooked++;
                    } else {
                        body.put(in, p, 6 + length);
                    }
                    p += 6 + length;
                }
            }
            body.put(in, p, in.length - p); // class attributes
            if (nextIndex > 0xFFFF) {
                return null;
            }
            if (hooked == 0) {
                return in.clone();
            }
            ByteOut out = new ByteOut(cpEnd + added.size + body.size);
            out.put(in, 0, 8);
            out.u2(nextIndex);
            out.put(in, 10, cpEnd - 10);
            out.put(added);
            out.put(body);
            return out.toArray(); // sized exactly: the buffer itself
        }

        /** Copies method attribute {@code Code} at {@code p} with the hook. {@return false: ASM's} */
        private boolean code(ByteOut out, int p, long ip, int methodRef) {
            int maxStack = u2(p + 6);
            int maxLocals = u2(p + 8);
            int codeLength = u4(p + 10);
            int code = p + 14;
            int shift = holdsSwitch(code, codeLength) ? HOOK_SWITCH : HOOK;
            if (codeLength + shift > 0xFFFF) {
                return false;
            }
            int q = code + codeLength;
            int handlers = u2(q);
            int attrs = q + 2 + 8 * handlers;
            int attributes = u2(attrs);
            ByteOut a = new ByteOut(64);
            int r = attrs + 2;
            for (int i = 0; i < attributes; i++) {
                int name = u2(r);
                int length = u4(r + 2);
                int body = r + 6;
                if (name == utf8Frames) {
                    if (!frames(a, r, body, shift)) {
                        return false;
                    }
                } else if (name == utf8Lines) {
                    a.put(in, r, 8);
                    for (int k = 0, n = u2(body); k < n; k++) {
                        a.u2(u2(body + 2 + 4 * k) + shift);
                        a.put(in, body + 4 + 4 * k, 2);
                    }
                } else if (name == utf8Locals || name == utf8LocalTypes) {
                    a.put(in, r, 8);
                    for (int k = 0, n = u2(body); k < n; k++) {
                        a.u2(u2(body + 2 + 10 * k) + shift);
                        a.put(in, body + 4 + 10 * k, 8);
                    }
                } else if (name == utf8VisibleTypeAnnotations || name == utf8InvisibleTypeAnnotations) {
                    return false; // offsets inside type paths: ASM's
                } else {
                    a.put(in, r, 6 + length);
                }
                r += 6 + length;
            }
            int length = 2 + 2 + 4 + codeLength + shift + 2 + 8 * handlers + 2 + a.size;
            out.put(in, p, 2);
            out.u4(length);
            out.u2(Math.max(maxStack, 2));
            out.u2(maxLocals);
            out.u4(codeLength + shift);
            out.u1(SIPUSH);
            out.u2(HookInstrumenter.ipHigh(ip));
            out.u1(SIPUSH);
            out.u2(HookInstrumenter.ipLow(ip) & 0xFFFF);
            out.u1(INVOKESTATIC);
            out.u2(methodRef);
            for (int k = HOOK; k < shift; k++) {
                out.u1(NOP);
            }
            out.put(in, code, codeLength);
            out.u2(handlers);
            for (int k = 0; k < handlers; k++) {
                int e = q + 2 + 8 * k;
                out.u2(u2(e) + shift);
                out.u2(u2(e + 2) + shift);
                out.u2(u2(e + 4) + shift);
                out.put(in, e + 6, 2);
            }
            out.u2(attributes);
            out.put(a);
            return true;
        }

        /**
         * Copies a {@code StackMapTable}: the first frame's offset moves (the others are deltas from
         * it), and so does every uninitialized type (the offset of its {@code new}); a short form
         * that cannot hold the first frame's new offset becomes its extended form.
         */
        private boolean frames(ByteOut out, int r, int body, int shift) {
            int length = u4(r + 2);
            int count = u2(body);
            byte[] table = java.util.Arrays.copyOfRange(in, body, body + length);
            int t = 2;
            for (int f = 0; f < count; f++) {
                int type = table[t++] & 0xFF;
                if (type < 64) {
                    // same_frame
                } else if (type < 128) {
                    t = moveType(table, t, shift);
                } else if (type < 247) {
                    return false; // reserved
                } else if (type == 247) {
                    t = moveType(table, t + 2, shift);
                } else if (type < 252) {
                    t += 2; // chop, same_frame_extended
                } else if (type < 255) {
                    t += 2;
                    for (int k = 0; k < type - 251; k++) {
                        t = moveType(table, t, shift);
                    }
                } else {
                    t += 2;
                    for (int n = 0; n < 2; n++) { // locals, then stack
                        int items = (table[t] & 0xFF) << 8 | table[t + 1] & 0xFF;
                        t += 2;
                        for (int k = 0; k < items; k++) {
                            t = moveType(table, t, shift);
                        }
                    }
                }
            }
            if (t != length) {
                return false;
            }
            out.put(in, r, 2);
            if (count == 0) {
                out.u4(length);
                out.put(table, 0, length);
                return true;
            }
            ByteOut first = new ByteOut(8);
            int type = table[2] & 0xFF;
            int rest = 3; // past the first frame's type byte
            if (type < 64) { // same_frame
                int delta = type + shift;
                if (delta < 64) {
                    first.u1(delta);
                } else {
                    first.u1(251);
                    first.u2(delta);
                }
            } else if (type < 128) { // same_locals_1_stack_item: the item follows
                int delta = type - 64 + shift;
                if (delta < 64) {
                    first.u1(64 + delta);
                } else {
                    first.u1(247);
                    first.u2(delta);
                }
            } else { // the forms with an explicit u2 offset_delta
                first.u1(type);
                first.u2(((table[3] & 0xFF) << 8 | table[4] & 0xFF) + shift);
                rest = 5;
            }
            out.u4(length + first.size - rest + 2);
            out.put(table, 0, 2);
            out.put(first);
            out.put(table, rest, length - rest);
            return true;
        }

        /** Moves the offset of an uninitialized verification type at {@code t}. {@return the next type's position} */
        private static int moveType(byte[] table, int t, int shift) {
            int tag = table[t] & 0xFF;
            if (tag == 8) { // ITEM_Uninitialized: the offset of its new
                int offset = ((table[t + 1] & 0xFF) << 8 | table[t + 2] & 0xFF) + shift;
                table[t + 1] = (byte) (offset >>> 8);
                table[t + 2] = (byte) offset;
                return t + 3;
            }
            return tag == 7 ? t + 3 : t + 1;
        }

        /**
         * {@return whether the code holds a {@code tableswitch} or {@code lookupswitch}} Walks the
         * instructions by their lengths; an opcode it does not know answers yes (the aligned hook is
         * right for any code, only 2 bytes larger).
         */
        private boolean holdsSwitch(int code, int length) {
            for (int i = code, end = code + length; i < end; ) {
                int op = in[i] & 0xFF;
                if (op == 0xaa || op == 0xab || op > 0xc9) {
                    return true;
                }
                if (op == 0xc4) { // wide: iinc takes 6 bytes, a load or store 4
                    i += (in[i + 1] & 0xFF) == 0x84 ? 6 : 4;
                } else {
                    i += ClassFileFormat.LENGTHS[op];
                }
            }
            return false;
        }

        private int skipMembers(int p) {
            int n = u2(p);
            p += 2;
            for (int i = 0; i < n; i++) {
                int attributes = u2(p + 6);
                p += 8;
                for (int a = 0; a < attributes; a++) {
                    p += 6 + u4(p + 2);
                }
            }
            return p;
        }

        /** Remembers the index of each attribute name this class must recognise. */
        private void noteUtf8(int index, int p, int len) {
            // compared in place: a class's pool holds hundreds of names, and a String for each one
            // made this loop the splice's largest cost while a register runs it cold
            switch (ClassFileFormat.attributeName(in, p, len)) {
                case 0 -> utf8Code = known(utf8Code, index);
                case 1 -> utf8Frames = known(utf8Frames, index);
                case 2 -> utf8Lines = known(utf8Lines, index);
                case 3 -> utf8Locals = known(utf8Locals, index);
                case 4 -> utf8LocalTypes = known(utf8LocalTypes, index);
                case 5 -> utf8VisibleTypeAnnotations = known(utf8VisibleTypeAnnotations, index);
                case 6 -> utf8InvisibleTypeAnnotations = known(utf8InvisibleTypeAnnotations, index);
                default -> { }
            }
        }

        /** Notes a second pool entry of the same name: the splice then leaves the class to ASM. */
        private int known(int before, int index) {
            duplicateName |= before >= 0;
            return index;
        }

        /** {@return the index of {@code entry.enter(II)V}, added once per entry class} */
        private int methodRef(String entry) {
            Integer known = refs.get(entry);
            if (known != null) {
                return known;
            }
            int owner = utf8Constant(entry);
            int klass = nextIndex++;
            added.u1(7);
            added.u2(owner);
            if (enterNameAndType < 0) {
                int name = utf8Constant(HookInstrumenter.METHOD_ENTER);
                int desc = utf8Constant(HookInstrumenter.ENTRY_ENTER_DESC);
                enterNameAndType = nextIndex++;
                added.u1(12);
                added.u2(name);
                added.u2(desc);
            }
            int ref = nextIndex++;
            added.u1(10);
            added.u2(klass);
            added.u2(enterNameAndType);
            refs.put(entry, ref);
            return ref;
        }

        /** Entry classes and the hook's names are ASCII: one byte per char. */
        private int utf8Constant(String s) {
            int index = nextIndex++;
            added.u1(1);
            added.u2(s.length());
            for (int k = 0; k < s.length(); k++) {
                added.u1(s.charAt(k));
            }
            return index;
        }

        private int u2(int p) {
            return reader.readUnsignedShort(p);
        }

        private int u4(int p) {
            return reader.readInt(p);
        }
    }
}
