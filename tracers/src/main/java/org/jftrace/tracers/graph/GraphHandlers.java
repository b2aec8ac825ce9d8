package org.jftrace.tracers.graph;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import org.jftrace.FgraphEntryFunc;
import org.jftrace.FgraphOps;
import org.jftrace.FgraphRetFunc;
import org.jftrace.Ftrace;
import org.jftrace.tracers.HandlerTypes;
import org.jftrace.tracers.Patterns;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;

/**
 * One start of a {@link GraphTracer}: its exit-hook ops and their handlers, fixed for the ops' life
 * (the ring, the graph filters, the per-thread tables). Up to three ops:
 * <ul>
 * <li><b>main</b>, on the user's filter: records entries and exits;</li>
 * <li><b>graph roots</b>, on the set_graph_function functions: marks the thread inside one (slot
 *     value 0: the depth it entered at) and records the call as main does;</li>
 * <li><b>graph notrace</b>, on the set_graph_notrace functions: marks the thread inside one.</li>
 * </ul>
 * Main's notrace list holds the other two's functions, so each method has one of them. Handlers
 * allocate nothing (the first exit by each exception class takes a slot in {@link ExceptionClassIds}).
 * They keep the default recursion guard: the write path calls nothing jftrace traces.
 */
final class GraphHandlers {
    /** The data of a root whose entry record was lost: its exit must still free the slot, but record nothing. */
    static final long ROOT_NOT_RECORDED = Long.MIN_VALUE + 1;
    private static final VarHandle SLOTS_FULL;

    static {
        try {
            SLOTS_FULL = MethodHandles.lookup().findVarHandle(GraphHandlers.class, "slotsFull", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final GraphTracer tracer;
    private final RingBuffer ring;
    private final ExceptionClassIds ids;
    /** Threads inside a set_graph_function function, or null when there is none. */
    private final PerThreadSlots roots;
    /** Threads inside a set_graph_notrace function, or null when there is none. */
    private final PerThreadSlots notraced;
    private final List<FgraphOps> ops = new ArrayList<>();
    private final List<FgraphOps> registered = new ArrayList<>();
    @SuppressWarnings("unused") // through SLOTS_FULL
    private long slotsFull;

    GraphHandlers(GraphTracer tracer, RingBuffer ring, ExceptionClassIds ids, List<String> graphFunctions,
                  List<String> graphNotrace, List<String> filter, List<String> notrace, int slots, boolean pending) {
        this.tracer = tracer;
        this.ring = ring;
        this.ids = ids;
        this.roots = graphFunctions.isEmpty() ? null : new PerThreadSlots(slots);
        this.notraced = graphNotrace.isEmpty() ? null : new PerThreadSlots(slots);
        HandlerTypes.resolve(); // before the hooks: else C2 may not inline the handlers into them
        // notrace first: registered first, so that no main entry runs before the marks can exist
        if (notraced != null) {
            FgraphOps.Builder b = FgraphOps.builder(this::notraceEntry, this::notraceExit)
                    .name(GraphTracer.NAME + ":graph_notrace");
            Patterns.apply(graphNotrace, pending, b::filterPending, b::filter);
            Patterns.notraceOwnCode(b::notracePending);
            ops.add(b.build());
        }
        if (roots != null) {
            FgraphOps.Builder b = FgraphOps.builder(this::rootEntry, this::rootExit).name(GraphTracer.NAME + ":graph_function");
            Patterns.apply(graphFunctions, pending, b::filterPending, b::filter);
            List<String> not = new ArrayList<>(notrace);
            not.addAll(graphNotrace);
            Patterns.apply(not, pending, b::notracePending, b::notrace);
            Patterns.notraceOwnCode(b::notracePending);
            ops.add(b.build());
        }
        FgraphEntryFunc entry = roots == null && notraced == null ? this::plainEntry : this::filteredEntry;
        FgraphRetFunc exit = roots == null ? this::plainExit : this::filteredExit;
        FgraphOps.Builder b = FgraphOps.builder(entry, exit).name(GraphTracer.NAME);
        Patterns.apply(filter, pending, b::filterPending, b::filter);
        List<String> not = new ArrayList<>(notrace);
        not.addAll(graphFunctions);
        not.addAll(graphNotrace);
        Patterns.apply(not, pending, b::notracePending, b::notrace);
        Patterns.notraceOwnCode(b::notracePending);
        ops.add(b.build());
    }

    void register() {
        try {
            for (FgraphOps g : ops) {
                Ftrace.registerFgraph(g);
                registered.add(g);
            }
        } catch (RuntimeException e) {
            unregister();
            throw e;
        }
    }

    /** Unregisters main first, then the graph filters' ops (the reverse order of register). */
    void unregister() {
        for (int i = registered.size() - 1; i >= 0; i--) {
            Ftrace.unregisterFgraph(registered.get(i));
        }
        registered.clear();
    }

    /** {@return the exceptions its handlers threw, which jftrace caught and counted (Ftrace.callbackErrors)} */
    long callbackErrors() {
        long n = 0;
        for (FgraphOps g : ops) {
            n += Ftrace.callbackErrors(g.ops());
        }
        return n;
    }

    long slotsFull() {
        return (long) SLOTS_FULL.getVolatile(this);
    }

    @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
    private static long tid() {
        return Thread.currentThread().getId();
    }

    /** Writes the entry record of a call at {@code depth}; {@return its timestamp as the call's data, or NO_EXIT} */
    private long record(long ip, long parentIp, int depth) {
        final ThreadFilter f = tracer.threadFilter;
        if (f != null && !f.traced()) {
            return FgraphOps.NO_EXIT; // set_ftrace_pid: another thread
        }
        final int max = tracer.maxGraphDepth;
        if (max > 0 && depth >= max) {
            return FgraphOps.NO_EXIT; // max_graph_depth: neither this call nor its exit
        }
        final long t = ring.writeClocked(EventLayout.KIND_GRAPH_ENTRY, 0, depth, ip, parentIp, 0, 0);
        return t == RingBuffer.NOT_WRITTEN ? FgraphOps.NO_EXIT : t;
    }

    private void recordExit(long ip, long calltime, int depth, FgraphOps.Exit exit, Object value) {
        if (exit == FgraphOps.Exit.THROW) {
            ring.write(EventLayout.KIND_GRAPH_EXIT, EventLayout.FLAG_THROW, depth, ip, Ftrace.UNKNOWN_IP, calltime,
                    ids.idOf(value instanceof Throwable t ? t : null));
        } else {
            ring.write(EventLayout.KIND_GRAPH_EXIT, 0, depth, ip, Ftrace.UNKNOWN_IP, calltime, 0);
        }
    }

    // ---------------------------------------------------------------- main ops

    private long plainEntry(long ip, long parentIp, int depth, FgraphOps g) {
        return record(ip, parentIp, depth);
    }

    private void plainExit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        recordExit(ip, data, depth, exit, value);
    }

    /** With graph filters: nothing inside a notrace function; only inside a root when there are roots. */
    private long filteredEntry(long ip, long parentIp, int depth, FgraphOps g) {
        final PerThreadSlots n = notraced;
        final PerThreadSlots r = roots;
        if (n != null && n.active() != 0 && n.find(tid()) >= 0) {
            return FgraphOps.NO_EXIT;
        }
        if (r == null) {
            return record(ip, parentIp, depth);
        }
        final int slot = r.find(tid());
        return slot < 0 ? FgraphOps.NO_EXIT : record(ip, parentIp, depth - (int) r.get(slot, 0));
    }

    private void filteredExit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        final PerThreadSlots r = roots;
        // the thread is still inside its root: the root's exit comes after every exit under it
        final int slot = r.find(tid());
        if (slot >= 0) {
            recordExit(ip, data, depth - (int) r.get(slot, 0), exit, value);
        }
    }

    // ---------------------------------------------------------------- set_graph_function

    private long rootEntry(long ip, long parentIp, int depth, FgraphOps g) {
        final PerThreadSlots n = notraced;
        final long tid = tid();
        if (n != null && n.active() != 0 && n.find(tid) >= 0) {
            return FgraphOps.NO_EXIT;
        }
        int slot = roots.find(tid);
        if (slot >= 0) {
            // a root called inside a root: an ordinary call of the graph
            return record(ip, parentIp, depth - (int) roots.get(slot, 0));
        }
        slot = roots.claim(tid);
        if (slot < 0) {
            SLOTS_FULL.getAndAdd(this, 1L);
            return FgraphOps.NO_EXIT;
        }
        roots.set(slot, 0, depth);
        final long t = record(ip, parentIp, 0);
        return t == FgraphOps.NO_EXIT ? ROOT_NOT_RECORDED : t;
    }

    private void rootExit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        final int slot = roots.find(tid());
        if (slot < 0) {
            return;
        }
        final int rootDepth = (int) roots.get(slot, 0);
        if (data != ROOT_NOT_RECORDED) {
            recordExit(ip, data, depth - rootDepth, exit, value);
        }
        if (depth == rootDepth) {
            roots.release(slot); // the outermost root returned: the thread is outside again
        }
    }

    // ---------------------------------------------------------------- set_graph_notrace

    private long notraceEntry(long ip, long parentIp, int depth, FgraphOps g) {
        final long tid = tid();
        if (notraced.find(tid) >= 0) {
            return FgraphOps.NO_EXIT; // nested: the outermost one's exit frees the slot
        }
        final int slot = notraced.claim(tid);
        if (slot < 0) {
            SLOTS_FULL.getAndAdd(this, 1L);
            return FgraphOps.NO_EXIT;
        }
        return slot;
    }

    private void notraceExit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        notraced.release((int) data);
    }
}
