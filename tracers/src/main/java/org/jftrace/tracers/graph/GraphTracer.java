package org.jftrace.tracers.graph;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jftrace.Errno;
import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.SnapshotBuffer;
import org.jftrace.tracers.trigger.TriggerTarget;
import org.jftrace.tracers.trigger.Triggers;

/**
 * The function_graph tracer ({@code current_tracer=function_graph}, the kernel's
 * {@code trace_functions_graph.c}): an {@link FgraphOps} on the user's filter whose entry handler
 * writes an entry record and returns its timestamp as the call's data, and whose return handler
 * writes an exit record carrying that timestamp (so the duration costs no clock read of its own),
 * printed as the kernel prints it ({@link GraphTraceFormat}).
 *
 * <p>Grammar: {@code (start (setTracingOn | setThreadFilter | setMaxGraphDepth | setOption | clear | trace
 * | takeSnapshot)* stop (setBufferSizeKb | setTraceClock)*)*}; all but the last two work stopped
 * too, and the {@link #triggers()} are added and removed at any time.
 * <pre>{@code
 * GraphTracer g = GraphTracer.builder().filter("com.acme.*").graphFunction("com.acme.Orders.place").build();
 * g.start();
 * runTheWorkload();
 * g.stop();
 * System.out.print(g.trace());
 * }</pre>
 *
 * <p>Graph filters: {@code set_graph_function} (trace only inside these functions) and
 * {@code set_graph_notrace} (trace nothing inside these) each get an {@link FgraphOps} of their own,
 * on those functions only, that marks the thread in a {@link PerThreadSlots} table while it is
 * inside one (with the depth it entered at); the main ops leaves those functions to them (they are
 * in its notrace list). So the main entry handler's cost without graph filters is unchanged, and
 * with them is one read of a count while no thread is inside, a short probe otherwise.
 */
public final class GraphTracer {
    /** The tracer's name, as {@code available_tracers} lists it. */
    public static final String NAME = "function_graph";
    /** How many threads can be inside set_graph_function / set_graph_notrace functions at once. */
    static final int GRAPH_SLOTS = 4096;

    private final List<String> filter;
    private final List<String> notrace;
    private final List<String> graphFunctions;
    private final List<String> graphNotrace;
    private final int buffers;
    private final BufferMode mode;
    private final boolean pending;
    private final ExceptionClassIds exceptionIds = new ExceptionClassIds();
    private final Set<GraphOption> options = EnumSet.noneOf(GraphOption.class);
    private volatile RingBuffer ring;
    private volatile SnapshotBuffer saved;
    private final Triggers triggers;
    /** Read by every entry handler: a plain volatile read, no lock. */
    volatile int maxGraphDepth;
    /** set_ftrace_pid, read by every entry handler: null (every thread) costs one load and one branch. */
    volatile ThreadFilter threadFilter;
    private GraphHandlers handlers;

    private GraphTracer(Builder b) {
        this.filter = List.copyOf(b.filter);
        this.notrace = List.copyOf(b.notrace);
        this.graphFunctions = List.copyOf(b.graphFunctions);
        this.graphNotrace = List.copyOf(b.graphNotrace);
        this.buffers = b.previous != null ? b.previous.buffers : b.buffers;
        this.mode = b.previous != null ? b.previous.mode : b.mode;
        this.pending = b.pending;
        setMaxGraphDepth(b.maxGraphDepth);
        this.threadFilter = b.threadFilter;
        for (GraphOption o : GraphOption.values()) {
            if (o.defaultOn()) {
                options.add(o);
            }
        }
        this.ring = b.previous != null ? b.previous.ring : RingBuffer.create(b.bufferSizeKb, b.buffers, b.mode, b.clock);
        this.saved = b.previous != null ? b.previous.saved : null;
        this.triggers = new Triggers(TriggerTarget.of(NAME, this::isTracingOn, this::setTracingOn, () -> ring,
                this::takeSnapshot), b.pending);
    }

    /** {@return a builder: no filter (every method, as the kernel), no graph filters, no depth limit} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts tracing: registers the tracer's ops (hooks the methods) and turns recording on.
     *
     * @throws FtraceException EBUSY if started already; as {@link Ftrace#registerFgraph} for a
     *                         filter that matches nothing (EINVAL) or without the agent (ENODEV)
     */
    public synchronized void start() {
        start(true);
    }

    /**
     * {@link #start()} with {@code tracing_on} as given: {@code false} hooks the methods but records
     * nothing until {@link #setTracingOn} (for triggers to go in first, so that nothing is recorded
     * that a {@code traceoff} would have stopped).
     *
     * @throws FtraceException as {@link #start()}
     */
    public synchronized void start(boolean tracingOn) {
        if (handlers != null) {
            throw new FtraceException(Errno.EBUSY, "the function_graph tracer is started already: stop() it first");
        }
        GraphHandlers h = new GraphHandlers(this, ring, exceptionIds, graphFunctions, graphNotrace,
                filter, notrace, GRAPH_SLOTS, pending);
        ring.setRecording(tracingOn);
        h.register();
        handlers = h;
    }

    /** Stops tracing: unregisters; when it returns no handler runs. Nothing if stopped. */
    public synchronized void stop() {
        if (handlers != null) {
            handlers.unregister();
            stoppedErrors += handlers.callbackErrors();
            handlers = null;
        }
    }

    /** Handler exceptions of the runs that stopped. */
    private long stoppedErrors;

    /**
     * {@return how many exceptions the tracer's own handlers threw since it was built} jftrace caught
     * each (the traced program ran on) and reported the first on standard error; this counts them all.
     */
    public synchronized long callbackErrors() {
        return stoppedErrors + (handlers == null ? 0 : handlers.callbackErrors());
    }

    /** {@return whether the tracer's ops are registered} */
    public synchronized boolean isStarted() {
        return handlers != null;
    }

    /** {@code tracing_on}: off, the hooks stay but nothing is stored nor counted. */
    public void setTracingOn(boolean on) {
        ring.setRecording(on);
    }

    /**
     * {@code echo ... > set_ftrace_pid}: trace only the threads {@code filter} selects, from the next
     * call on, started or not; {@code null} traces every thread again.
     */
    public void setThreadFilter(ThreadFilter filter) {
        threadFilter = filter;
    }

    /** {@return the thread filter, or null for every thread} */
    public ThreadFilter threadFilter() {
        return threadFilter;
    }

    /** {@return tracing_on} */
    public boolean isTracingOn() {
        return ring.isRecording();
    }

    /** {@return the tracer's function triggers (see {@link Triggers}): registered as added, started or not} */
    public Triggers triggers() {
        return triggers;
    }

    /** {@code echo 1 > snapshot}: copies the buffers' records and counts aside (what a snapshot trigger does). */
    public void takeSnapshot() {
        saved = SnapshotBuffer.take(ring);
    }

    /** {@return the {@code snapshot} file: the last copy taken, as {@link #trace()} prints; a note when none was taken} */
    public String snapshot() {
        SnapshotBuffer s = saved;
        StringBuilder sb = new StringBuilder();
        if (s == null) {
            return SnapshotBuffer.freed(NAME);
        }
        GraphTraceFormat f = format(ring).withStacks(s::stack);
        f.header(sb, NAME, s.stats());
        f.lines(sb, s.events());
        return sb.toString();
    }

    private GraphTraceFormat format(RingBuffer r) {
        Set<GraphOption> opts;
        synchronized (this) {
            opts = EnumSet.copyOf(options.isEmpty() ? EnumSet.noneOf(GraphOption.class) : options);
        }
        return new GraphTraceFormat(r, opts, Ftrace::lookup, exceptionIds::name);
    }

    /**
     * {@code max_graph_depth}: calls deeper than {@code depth} are not traced (their entry handler
     * returns {@link FgraphOps#NO_EXIT}); 0, the default, is no limit; 1 traces only the outermost
     * calls. Depth counts from the thread's outermost hooked call, or from the set_graph_function
     * function when there are some. Takes effect at once, started or not.
     *
     * @throws FtraceException EINVAL for a negative depth
     */
    public void setMaxGraphDepth(int depth) {
        if (depth < 0) {
            throw new FtraceException(Errno.EINVAL, "max_graph_depth " + depth
                    + " is negative: give 0 (no limit) or the number of nested calls to trace (1: the outermost only)");
        }
        maxGraphDepth = depth;
    }

    /** {@return max_graph_depth, 0 for no limit} */
    public int maxGraphDepth() {
        return maxGraphDepth;
    }

    /**
     * Turns a print option on or off ({@code echo funcgraph-tail > trace_options}).
     *
     * @param name the option's kernel name, e.g. {@code funcgraph-proc}
     * @throws FtraceException EINVAL for a name that is no function_graph option (the message lists them)
     */
    public synchronized void setOption(String name, boolean on) {
        GraphOption o = GraphOption.of(name);
        if (on) {
            options.add(o);
        } else {
            options.remove(o);
        }
    }

    /**
     * {@return whether the print option {@code name} is on}
     *
     * @throws FtraceException EINVAL for a name that is no function_graph option
     */
    public synchronized boolean option(String name) {
        return options.contains(GraphOption.of(name));
    }

    /**
     * {@code echo N > buffer_size_kb}: new, empty buffers; refused while started.
     *
     * @throws FtraceException EBUSY while started (stop first); EINVAL for a size out of range
     */
    public synchronized void setBufferSizeKb(int kb) {
        if (handlers != null) {
            throw new FtraceException(Errno.EBUSY, "buffer_size_kb can change only while the tracer is stopped: stop() first");
        }
        RingBuffer next = RingBuffer.create(kb, buffers, mode, ring.clock());
        next.setRecording(ring.isRecording());
        ring = next;
    }

    /**
     * {@code echo counter > trace_clock}: new, empty buffers stamped with {@code clock} (the kernel
     * empties the buffers too: timestamps of two clocks do not compare).
     *
     * @throws FtraceException EBUSY while started (stop first); EINVAL for null
     */
    public synchronized void setTraceClock(TraceClock clock) {
        if (handlers != null) {
            throw new FtraceException(Errno.EBUSY, "trace_clock can change only while the tracer is stopped: stop() first");
        }
        RingBuffer next = RingBuffer.create(ring.bufferSizeKb(), buffers, mode, clock);
        next.setRecording(ring.isRecording());
        ring = next;
    }

    /** {@return trace_clock} */
    public TraceClock traceClock() {
        return ring.clock();
    }

    /** {@code echo > trace}: empties the buffers and zeroes their counts. */
    public void clear() {
        ring.clear();
    }

    /** {@return the ring buffer the records go to now} */
    public RingBuffer ring() {
        return ring;
    }

    /** {@return the exception class ids of this tracer's exit records} */
    public ExceptionClassIds exceptionIds() {
        return exceptionIds;
    }

    /**
     * {@return how many graph-filter entries were skipped because the per-thread table had no free
     * slot near the thread's home (more than {@value #GRAPH_SLOTS} threads inside such functions at once)}
     */
    public synchronized long graphSlotsFull() {
        return handlers == null ? 0 : handlers.slotsFull();
    }

    /** {@return the {@code trace} file: header and every record in the buffers, not consumed} */
    public String trace() {
        StringBuilder sb = new StringBuilder();
        trace(sb);
        return sb.toString();
    }

    /** Appends the {@code trace} file to {@code out}. */
    public void trace(Appendable out) {
        RingBuffer r = ring;
        RingBuffer.Snapshot s = r.snapshot();
        GraphTraceFormat f = format(r);
        f.header(out, NAME, s.stats());
        f.lines(out, s.events());
    }

    /** Options of a {@link GraphTracer}, given before it exists. */
    public static final class Builder {
        private final List<String> filter = new ArrayList<>();
        private final List<String> notrace = new ArrayList<>();
        private final List<String> graphFunctions = new ArrayList<>();
        private final List<String> graphNotrace = new ArrayList<>();
        private int maxGraphDepth;
        private ThreadFilter threadFilter;
        private int bufferSizeKb = RingBuffer.DEFAULT_BUFFER_SIZE_KB;
        private int buffers = RingBuffer.defaultBuffers();
        private BufferMode mode = BufferMode.OVERWRITE;
        private TraceClock clock = TraceClock.MONO;
        private boolean pending;
        private GraphTracer previous;

        private Builder() {
        }

        /**
         * Writes on into {@code previous}'s ring buffer and keeps its snapshot, as the kernel keeps
         * the buffer when {@code set_ftrace_filter} changes under a running tracer: for a tracer
         * that replaces a stopped {@code previous} with other filters. The buffer settings
         * ({@link #bufferSizeKb}, {@link #mode}, {@link #clock}) are then {@code previous}'s.
         */
        public Builder continueFrom(GraphTracer previous) {
            this.previous = Objects.requireNonNull(previous, "previous");
            return this;
        }

        /**
         * Patterns may name classes not loaded yet (the kernel's pending filter): they are kept and
         * match classes as they load, and a pattern that matches nothing yet is not an error. For
         * tracing from a program's start.
         */
        public Builder pending(boolean on) {
            this.pending = on;
            return this;
        }

        /** {@code set_ftrace_filter}: globs of the methods to trace (none: every method). */
        public Builder filter(String... globs) {
            add(filter, globs);
            return this;
        }

        /** {@code set_ftrace_notrace}: globs of methods never traced. */
        public Builder notrace(String... globs) {
            add(notrace, globs);
            return this;
        }

        /**
         * {@code set_graph_function}: trace only these functions and what they call (traced
         * themselves whether the filter names them or not).
         */
        public Builder graphFunction(String... globs) {
            add(graphFunctions, globs);
            return this;
        }

        /** {@code set_graph_notrace}: trace neither these functions nor anything they call. */
        public Builder graphNotrace(String... globs) {
            add(graphNotrace, globs);
            return this;
        }

        /** {@code set_ftrace_pid}: the threads to trace, or null (the default) for every thread. */
        public Builder threadFilter(ThreadFilter filter) {
            this.threadFilter = filter;
            return this;
        }

        /** {@code max_graph_depth} (0: no limit); checked by {@link #build()}. */
        public Builder maxGraphDepth(int depth) {
            this.maxGraphDepth = depth;
            return this;
        }

        /** {@code buffer_size_kb} of each buffer; checked by {@link #build()}. */
        public Builder bufferSizeKb(int kb) {
            this.bufferSizeKb = kb;
            return this;
        }

        /** How many buffers (#P); checked by {@link #build()}. */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** {@code trace_clock}: mono (the default), counter or uptime, not {@code null}. */
        public Builder clock(TraceClock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Overwrite (default) or drop, not {@code null}. */
        public Builder mode(BufferMode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /**
         * {@return the tracer, stopped, with its buffers allocated}
         *
         * @throws FtraceException EINVAL for a negative max_graph_depth or a buffer size or count
         *                         out of range (the message says which)
         */
        public GraphTracer build() {
            return new GraphTracer(this);
        }

        private static void add(List<String> to, String... globs) {
            for (String g : globs) {
                to.add(Objects.requireNonNull(g, "glob"));
            }
        }
    }
}
