package org.jftrace.internal.bytecode;

import org.objectweb.asm.ClassReader;

/**
 * The methods one {@link EntrySplicer} splice hooks, as the caller's function table lists a
 * class's methods: method {@code k}, {@code names[k] + descriptors[k]}, gets the hook with
 * {@code ips[k]} calling {@code entries[k]}'s {@code enter}, or none where {@code entries[k]} is
 * null.
 *
 * <p>Why a list and not maps keyed by name and descriptor: a register on every method of a JVM
 * built such a key string for every method twice (the caller's map, the splicer's look-up), and
 * allocated six times the size of the class files it hooked, so that on a heap not yet touched
 * most of the transforms' time went to the kernel's page faults (BENCHMARKS.md, "Allocation in the
 * transform"). Here each class file method is matched where its name and descriptor stand in the
 * pool: at its own position first (the list was scanned from the same bytes), else through a hash
 * table of the list keyed by the same hash computed over the pool's bytes (the JVM rebuilds a
 * retransformed class's file in its own method order).
 *
 * <p>Reusable and not thread-safe: it keeps the last class's buffers (the caller holds one under its
 * lock), so that a register does not allocate a body buffer the size of each class.
 */
public final class SpliceList {
    /** The hash of a name or descriptor with a byte or char past ASCII: looked up by a search instead. */
    private static final int NOT_ASCII = Integer.MIN_VALUE;

    String[] names = new String[0];
    String[] descriptors = new String[0];
    long[] ips = new long[0];
    String[] entries = new String[0];
    private int count;
    /** The splice's method table, before the class's head is written in front of it. */
    final ByteOut body = new ByteOut(1 << 12);
    /** Open addressing, position + 1 by hash of name and descriptor; filled by {@link #index} when needed. */
    private int[] table = new int[0];
    /** Whether this class file's order was found not to be the list's: methods are looked up by hash. */
    private boolean hashed;

    /** Starts a class of {@code n} methods, none hooked. */
    public void reset(int n) {
        if (names.length < n) {
            names = new String[n];
            descriptors = new String[n];
            ips = new long[n];
            entries = new String[n];
        } else {
            java.util.Arrays.fill(entries, null);
        }
        count = n;
        hashed = false;
    }

    /** Method {@code k} of the class is {@code name descriptor}; hooked with {@code ip} calling {@code entry}, unless null. */
    public void set(int k, String name, String descriptor, long ip, String entry) {
        names[k] = name;
        descriptors[k] = descriptor;
        ips[k] = ip;
        entries[k] = entry;
    }

    /** {@return how many methods the list holds} */
    public int count() {
        return count;
    }

    /** {@return the entry class method {@code k} calls, or null if it is not hooked} */
    public String entry(int k) {
        return entries[k];
    }

    /** A splice of the listed class starts: its file's order is not known yet. */
    void startClass() {
        hashed = false;
    }

    /**
     * {@return the position in this list of class file {@code in}'s method {@code m}, whose
     * member_info starts at {@code p}, or -1 if it is not listed} {@code chars} is a buffer for
     * {@code reader.readUTF8}.
     */
    int find(ClassReader reader, byte[] in, char[] chars, int m, int p) {
        if (!hashed) {
            if (m < count && utf8Is(reader, in, chars, p + 2, names[m]) && utf8Is(reader, in, chars, p + 4, descriptors[m])) {
                return m;
            }
            index();
            hashed = true;
        }
        int h = utf8Hash(reader, in, reader.readUnsignedShort(p + 4),
                utf8Hash(reader, in, reader.readUnsignedShort(p + 2), 0)); // name, then descriptor, as index()
        if (h == NOT_ASCII) {
            for (int k = 0; k < count; k++) {
                if (utf8Is(reader, in, chars, p + 2, names[k]) && utf8Is(reader, in, chars, p + 4, descriptors[k])) {
                    return k;
                }
            }
            return -1;
        }
        int mask = table.length - 1;
        for (int i = h & mask; table[i] != 0; i = (i + 1) & mask) {
            int k = table[i] - 1;
            if (utf8Is(reader, in, chars, p + 2, names[k]) && utf8Is(reader, in, chars, p + 4, descriptors[k])) {
                return k;
            }
        }
        return -1;
    }

    /** Fills {@link #table} with every method whose name and descriptor are ASCII. */
    private void index() {
        int size = Integer.highestOneBit(Math.max(count, 1)) * 4;
        if (table.length < size) {
            table = new int[size];
        } else {
            java.util.Arrays.fill(table, 0);
        }
        int mask = table.length - 1;
        for (int k = 0; k < count; k++) {
            int h = hash(descriptors[k], hash(names[k], 0));
            if (h == NOT_ASCII) {
                continue; // found by find's search
            }
            int i = h & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = k + 1;
        }
    }

    /** {@return {@code h} continued over {@code s}'s chars as {@link #utf8Hash} goes over bytes, or NOT_ASCII} */
    private static int hash(String s, int h) {
        if (h == NOT_ASCII) {
            return h;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == 0 || c > 0x7F) {
                return NOT_ASCII; // (modified UTF-8 writes NUL in two bytes)
            }
            h = 31 * h + c;
        }
        return h == NOT_ASCII ? 0 : h;
    }

    /** {@return {@code h} continued over the bytes of CONSTANT_Utf8 {@code index}, or NOT_ASCII} */
    private static int utf8Hash(ClassReader reader, byte[] in, int index, int h) {
        if (h == NOT_ASCII) {
            return h;
        }
        int item = reader.getItem(index);
        for (int k = 0, len = reader.readUnsignedShort(item); k < len; k++) {
            byte b = in[item + 2 + k];
            if (b < 0) {
                return NOT_ASCII;
            }
            h = 31 * h + b;
        }
        return h == NOT_ASCII ? 0 : h;
    }

    /** {@return whether the CONSTANT_Utf8 whose index is at {@code ptr} is {@code s}} In place for ASCII. */
    private static boolean utf8Is(ClassReader reader, byte[] in, char[] chars, int ptr, String s) {
        int item = reader.getItem(reader.readUnsignedShort(ptr));
        int len = reader.readUnsignedShort(item);
        if (len != s.length()) {
            // modified UTF-8 takes more bytes than chars only past ASCII, which is decoded
            return len > s.length() && reader.readUTF8(ptr, chars).equals(s);
        }
        for (int k = 0; k < len; k++) {
            byte b = in[item + 2 + k];
            if (b < 0) {
                return reader.readUTF8(ptr, chars).equals(s);
            }
            if (b != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
