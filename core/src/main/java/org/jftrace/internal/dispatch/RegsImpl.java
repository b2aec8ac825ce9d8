package org.jftrace.internal.dispatch;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.Regs;
import org.jftrace.internal.boot.Hooks;
import org.jftrace.internal.functions.MethodRecord;

/**
 * One traced call's registers: the receiver and the hook's two argument arrays (which the hooked
 * method reloads when {@link #result()} says so): primitives as raw bits in {@code prims},
 * references in {@code refs}. Made per call; it never leaves the
 * hook, so when the JIT inlines the callbacks and they do not keep it, escape analysis removes it
 * and both arrays; a box that {@link #arg} makes goes too unless the callback keeps it.
 */
public final class RegsImpl implements Regs {
    /** Whether this JDK still has the box constructors (deprecated for removal since 16); else {@code valueOf}. */
    private static final boolean FRESH_BOXES = hasBoxConstructors();

    private static boolean hasBoxConstructors() {
        try {
            Integer.class.getConstructor(int.class);
            Long.class.getConstructor(long.class);
            Short.class.getConstructor(short.class);
            Character.class.getConstructor(char.class);
            return true;
        } catch (NoSuchMethodException | SecurityException e) {
            return false;
        }
    }

    private final long ip;
    /**
     * One descriptor character per argument ({@code Z B C S I J F D}, or {@code L} for any
     * reference): a constant bound into the regs chain, so once the JIT inlines {@link #arg} with a
     * constant index, the switch on it folds to one case.
     */
    private final String sorts;
    private final Object receiver;
    private final long[] prims;
    private final Object[] refs;
    private boolean changed;
    private Redirects.Redirect redirect;
    /** The ops whose callback runs now; set by dispatch, for the IPMODIFY check. */
    LiveOps current;

    private RegsImpl(long ip, String sorts, Object receiver, long[] prims, Object[] refs) {
        this.ip = ip;
        this.sorts = sorts;
        this.receiver = receiver;
        this.prims = prims;
        this.refs = refs;
    }

    /** The regs chain's allocation (see CallChains.NEW_REGS). */
    public static RegsImpl make(long ip, String sorts, Object receiver, long[] prims, Object[] refs) {
        return new RegsImpl(ip, sorts, receiver, prims, refs);
    }

    /**
     * {@return what the hook returns: null if no callback changed anything, the redirect if one
     * redirected the call, else {@link Hooks#CHANGED}} Handed back rather than stored in
     * {@code refs}: a store there made escape analysis keep the array (measured: 32 bytes per call).
     */
    public Object result() {
        if (!changed) {
            return null;
        }
        return redirect != null ? redirect : Hooks.CHANGED;
    }

    @Override
    public long ip() {
        return ip;
    }

    @Override
    public Object receiver() {
        return receiver;
    }

    @Override
    public int argCount() {
        return sorts.length();
    }

    /**
     * {@inheritDoc} A primitive is boxed here, with a fresh box where {@code valueOf} would merge a
     * cached one: the merge keeps escape analysis from removing the box (measured: 16 bytes per
     * call for values outside the cache), while a fresh box that the callback drops costs nothing.
     */
    @Override
    @SuppressWarnings({"removal", "deprecation"})
    public Object arg(int index) {
        final char sort = sortAt(index);
        final long bits = prims[index];
        switch (sort) {
            case 'L':
                return refs[index];
            case 'I':
                return FRESH_BOXES ? new Integer((int) bits) : Integer.valueOf((int) bits);
            case 'J':
                return FRESH_BOXES ? new Long(bits) : Long.valueOf(bits);
            case 'Z':
                return bits != 0;
            case 'B':
                return (byte) bits;
            case 'C':
                return FRESH_BOXES ? new Character((char) bits) : Character.valueOf((char) bits);
            case 'S':
                return FRESH_BOXES ? new Short((short) bits) : Short.valueOf((short) bits);
            case 'F':
                return Float.intBitsToFloat((int) bits);
            default:
                return Double.longBitsToDouble(bits);
        }
    }

    // Typed reads: no box, and the sort a constant once inlined (see sorts), so each folds to one case.

    @Override
    public boolean booleanArg(int index) {
        if (sortAt(index) != 'Z') {
            throw misread(index, "booleanArg");
        }
        return prims[index] != 0;
    }

    @Override
    public byte byteArg(int index) {
        if (sortAt(index) != 'B') {
            throw misread(index, "byteArg");
        }
        return (byte) prims[index];
    }

    @Override
    public char charArg(int index) {
        if (sortAt(index) != 'C') {
            throw misread(index, "charArg");
        }
        return (char) prims[index];
    }

    @Override
    public short shortArg(int index) {
        final char sort = sortAt(index);
        if (sort != 'S' && sort != 'B') {
            throw misread(index, "shortArg");
        }
        return (short) prims[index];
    }

    @Override
    public int intArg(int index) {
        final char sort = sortAt(index);
        if (!integral(sort)) {
            throw misread(index, "intArg");
        }
        return sort == 'C' ? (char) prims[index] : (int) prims[index];
    }

    @Override
    public long longArg(int index) {
        final char sort = sortAt(index);
        if (sort == 'J') {
            return prims[index];
        }
        if (!integral(sort)) {
            throw misread(index, "longArg");
        }
        return sort == 'C' ? (char) prims[index] : (int) prims[index];
    }

    @Override
    public float floatArg(int index) {
        final char sort = sortAt(index);
        if (sort == 'F') {
            return Float.intBitsToFloat((int) prims[index]);
        }
        if (sort == 'J') {
            return prims[index];
        }
        if (!integral(sort)) {
            throw misread(index, "floatArg");
        }
        return sort == 'C' ? (char) prims[index] : (int) prims[index];
    }

    @Override
    public double doubleArg(int index) {
        final char sort = sortAt(index);
        if (sort == 'D') {
            return Double.longBitsToDouble(prims[index]);
        }
        if (sort == 'F') {
            return Float.intBitsToFloat((int) prims[index]);
        }
        if (sort == 'J') {
            return prims[index];
        }
        if (!integral(sort)) {
            throw misread(index, "doubleArg");
        }
        return sort == 'C' ? (char) prims[index] : (int) prims[index];
    }

    @Override
    public Object refArg(int index) {
        if (sortAt(index) != 'L') {
            throw misread(index, "refArg");
        }
        return refs[index];
    }

    private static boolean integral(char sort) {
        return sort == 'I' || sort == 'S' || sort == 'C' || sort == 'B';
    }

    /** A typed read of a parameter of another type: EINVAL naming the type and the read that fits. */
    private FtraceException misread(int index, String read) {
        final char sort = sortAt(index);
        String type = sort == 'L' ? "reference" : primitiveName(sort);
        String fits = sort == 'L' ? "refArg" : primitiveName(sort) + "Arg";
        return new FtraceException(Errno.EINVAL, "argument " + index + " of " + method() + " is a " + type
                + " parameter: " + read + " cannot read it; use " + fits + " (or arg for a box)");
    }

    @Override
    public void setArg(int index, Object value) {
        final char sort = sortAt(index);
        if (sort == 'L') {
            Class<?> type = method().parameterType(index, HookContext.reflection);
            if (type != null && value != null && !type.isInstance(value)) {
                throw misfit(index, type.getName(), value);
            }
            refs[index] = value;
        } else {
            prims[index] = rawBits(index, sort, value);
        }
        changed = true;
    }

    /**
     * {@return {@code value}, the box of a primitive of this {@code sort}, as raw bits} Kept small
     * (a failed check goes to a cold method): past the JIT's FreqInlineSize (325 bytes) it is not
     * inlined, the registers escape and every call allocates them (measured: 112 bytes per call).
     *
     * @throws FtraceException EINVAL if it is not
     */
    private long rawBits(int index, char sort, Object value) {
        if (sort == 'I' && value instanceof Integer) {
            return (Integer) value;
        } else if (sort == 'J' && value instanceof Long) {
            return (Long) value;
        } else if (sort == 'Z' && value instanceof Boolean) {
            return (Boolean) value ? 1L : 0L;
        } else if (sort == 'D' && value instanceof Double) {
            return Double.doubleToRawLongBits((Double) value);
        } else if (sort == 'F' && value instanceof Float) {
            return Float.floatToRawIntBits((Float) value);
        } else if (sort == 'B' && value instanceof Byte) {
            return (Byte) value;
        } else if (sort == 'C' && value instanceof Character) {
            return (Character) value;
        } else if (sort == 'S' && value instanceof Short) {
            return (Short) value;
        }
        throw misfit(index, primitiveName(sort), value);
    }

    private static String primitiveName(char sort) {
        switch (sort) {
            case 'I': return "int";
            case 'J': return "long";
            case 'Z': return "boolean";
            case 'D': return "double";
            case 'F': return "float";
            case 'B': return "byte";
            case 'C': return "char";
            default: return "short";
        }
    }

    private FtraceException misfit(int index, String type, Object value) {
        return new FtraceException(Errno.EINVAL, "argument " + index + " of " + method() + " is a " + type + "; "
                + (value == null ? "null" : value.getClass().getName())
                + " does not fit (a primitive takes its box type, non-null)");
    }

    @Override
    public void setIp(long newIp) {
        LiveOps s = current;
        if (s == null || !s.ipmodify) {
            throw new FtraceException(Errno.EINVAL, "ip can only be changed by a callback whose ops has "
                    + "IPMODIFY (and SAVE_REGS); the original body runs");
        }
        if (newIp == ip) {
            redirect = null;
            return;
        }
        // Most redirecting ops always pick the same replacement: keep the last one on the ops.
        Redirects.Redirect r = s.lastRedirect;
        if (r == null || r.targetIp != newIp || r.tracedIp != ip) {
            r = HookContext.redirects.find(method(), newIp);
            s.lastRedirect = r;
        }
        redirect = r;
        changed = true;
    }

    @Override
    public void setIp(String name) {
        setIp(Ftrace.lookupIp(name));
    }

    /** {@return the sort of argument {@code index}} @throws IndexOutOfBoundsException if there is no such argument */
    private char sortAt(int index) {
        if (index < 0 || index >= sorts.length()) {
            throw new IndexOutOfBoundsException("argument " + index + " of " + sorts.length());
        }
        return sorts.charAt(index);
    }

    private MethodRecord method() {
        MethodRecord m = HookContext.method(ip);
        if (m == null) {
            throw new IllegalStateException("ip 0x" + Long.toHexString(ip) + " is not in the function table");
        }
        return m;
    }
}
