package org.jftrace.internal.bytecode;

/** A growable byte array for {@link EntrySplicer} (no JDK stream: it runs while JDK methods may carry hooks). */
final class ByteOut {
    byte[] data;
    int size;

    ByteOut(int capacity) {
        data = new byte[Math.max(capacity, 16)];
    }

    private void room(int n) {
        if (size + n > data.length) {
            data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        }
    }

    void u1(int b) {
        room(1);
        data[size++] = (byte) b;
    }

    void u2(int v) {
        room(2);
        data[size++] = (byte) (v >>> 8);
        data[size++] = (byte) v;
    }

    void u4(int v) {
        room(4);
        data[size++] = (byte) (v >>> 24);
        data[size++] = (byte) (v >>> 16);
        data[size++] = (byte) (v >>> 8);
        data[size++] = (byte) v;
    }

    void put(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, data, size, len);
        size += len;
    }

    void put(ByteOut o) {
        put(o.data, 0, o.size);
    }

    /** {@return the bytes written: the buffer itself when they fill it (a class file sized exactly), else a copy} */
    byte[] toArray() {
        return size == data.length ? data : java.util.Arrays.copyOf(data, size);
    }
}
