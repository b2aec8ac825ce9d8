package org.jftrace.internal.boot;

/**
 * What an exit-hooked method's frame keeps for its exits: the set of exit-hook ops that was on the
 * method when the call entered. The hooked bytecode fetches it once ({@link Hooks#graph}), keeps it
 * in a local, and calls it for each ops at the entry ({@link #enter}), at every return and when an
 * exception leaves ({@link #exit}). Because the frame keeps the object, an exit always goes to the ops
 * its entry went to, however the method's ops change meanwhile.
 *
 * <p>This base class is the target of a method with no exit-hook ops (a frame that entered before the
 * ops came, or after it went): every call does nothing. The core extends it.
 */
public class GraphTarget {
    /** The target of a method with no exit-hook ops. */
    public static final GraphTarget NONE = new GraphTarget();

    /** What an entry returns when its exit is not wanted (also {@code FgraphOps.NO_EXIT}). */
    public static final long NO_EXIT = Long.MIN_VALUE;

    /** {@code how} of {@link #exit}: a return instruction. */
    public static final int RETURN = 0;
    /** {@code how} of {@link #exit}: an exception leaves the method. */
    public static final int THROW = 1;

    protected GraphTarget() {
    }

    /**
     * Opens the call on this thread: {@return a word the frame keeps and passes to every call below}
     * (the core's holds the call's depth, traced calls open below it, and where that is kept).
     */
    public int push() {
        return 0;
    }

    /** Closes the call: {@code word} is what {@link #push} returned; the thread's depth goes back to it. */
    public void pop(int word) {
    }

    /** The entry of ops number {@code slot}: {@return the call's data, or {@link #NO_EXIT}} */
    public long enter(long ip, int depth, int slot) {
        return NO_EXIT;
    }

    /**
     * The exit of ops number {@code slot} for a call whose entry returned {@code data}.
     *
     * @param how   {@link #RETURN} or {@link #THROW}
     * @param value the exception, or the reference returned (null for void and primitives)
     * @param bits  a primitive return value's raw bits (see {@link Hooks#CHANGED}), else 0
     */
    public void exit(long ip, int depth, int slot, long data, int how, Object value, long bits) {
    }

    /**
     * {@link #exit} then {@link #pop}{@code (word)}: the frame's last exit (ops number 0, the first
     * entered) and its depth back in one call, one call fewer where the JIT does not inline the hook
     * (C1's code calls each of them: it cannot bind a method that subclasses override).
     */
    public void exitLast(long ip, int word, int slot, long data, int how, Object value, long bits) {
        exit(ip, word, slot, data, how, value, bits);
        pop(word);
    }
}
