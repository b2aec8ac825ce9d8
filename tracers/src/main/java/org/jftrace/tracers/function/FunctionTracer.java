package org.jftrace.tracers.function;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jftrace.Errno;
import org.jftrace.FgraphOps;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Registration;
import org.jftrace.Regs;
import org.jftrace.tracers.HandlerTypes;
import org.jftrace.tracers.Patterns;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.TraceClock;
import org.jftrace.tracers.ring.SnapshotBuffer;
import org.jftrace.tracers.ring.TraceEvent;
import org.jftrace.tracers.ring.TracePipe;
import org.jftrace.tracers.trigger.TriggerTarget;
import org.jftrace.tracers.trigger.Triggers;

/**
 * The function tracer ({@code current_tracer=function}, the kernel's {@code trace_functions.c}):
 * an {@link FtraceOps} on the user's filter whose callback writes one event per call into a
 * {@link RingBuffer}, printed as the kernel prints it ({@link FunctionTraceFormat}).
 *
 * <p>Grammar: {@code (start (setTracingOn | setThreadFilter | clear | trace | openPipe | takeSnapshot)* stop
 * (setBufferSizeKb | setTraceClock)*)*}; all but the last two work stopped too, and the triggers
 * are added and removed at any time.
 * <pre>{@code
 * FunctionTracer tracer = FunctionTracer.builder().filter("java.util.HashMap.put").build();
 * tracer.start();          // registers the ops: hooks the methods
 * runTheWorkload();
 * tracer.stop();           // unregisters: no callback runs any more
 * System.out.print(tracer.trace());
 * }</pre>
 *
 * <p>Also: {@link #triggers()} ({@code set_ftrace_filter} commands), {@link #setThreadFilter}
 * ({@code set_ftrace_pid}), {@link Builder#clock} ({@code trace_clock}), {@link Builder#parents}
 * (none, exact, or the nearest traced frame on exit hooks), {@link #takeSnapshot()} and
 * {@link #snapshot()}.
 *
 * <p>The callback keeps the default recursion guard (not {@code RECURSION_SAFE}): its write path
 * calls no traceable JDK method, and the guard covers what a future change might call.
 */
public final class FunctionTracer {
    /** The tracer's name, as {@code available_tracers} lists it. */
    public static final String NAME = "function";

    private final List<String> filter;
    private final List<String> notrace;
    private final ParentMode parents;
    private final boolean symOffset;
    private final int buffers;
    private final BufferMode mode;
    private final boolean pending;
    private volatile RingBuffer ring;
    private volatile SnapshotBuffer saved;
    private final Triggers triggers;
    private Registration registration;
    /** set_ftrace_pid, read by every callback: null (every thread) costs one load and one branch. */
    private volatile ThreadFilter threadFilter;

    private FunctionTracer(Builder b) {
        this.filter = List.copyOf(b.filter);
        this.notrace = List.copyOf(b.notrace);
        this.parents = b.parents;
        this.threadFilter = b.threadFilter;
        this.symOffset = b.symOffset;
        this.buffers = b.previous != null ? b.previous.buffers : b.buffers;
        this.mode = b.previous != null ? b.previous.mode : b.mode;
        this.pending = b.pending;
        this.ring = b.previous != null ? b.previous.ring : RingBuffer.create(b.bufferSizeKb, b.buffers, b.mode, b.clock);
        this.saved = b.previous != null ? b.previous.saved : null;
        this.triggers = new Triggers(TriggerTarget.of(NAME, this::isTracingOn, this::setTracingOn, () -> ring,
                this::takeSnapshot), b.pending);
    }

    /** {@return a builder: no filter (every method, as the kernel), no parents, default buffers, overwrite} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts tracing: registers the tracer's ops on its filter (hooks the methods) and turns
     * recording on. Events go on accumulating into what the buffers held before.
     *
     * @throws FtraceException EBUSY if started already; as {@link Ftrace#register} for a filter that
     *                         matches nothing (EINVAL) or without the agent (ENODEV)
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
        if (registration != null) {
            throw new FtraceException(Errno.EBUSY, "the function tracer is started already: stop() it first");
        }
        HandlerTypes.resolve(); // before the hooks: else C2 may not inline the callback into them
        FtraceOps ops;
        if (parents == ParentMode.NEAREST) {
            NearestParents h = new NearestParents(ring, this::traced);
            FgraphOps.Builder b = FgraphOps.builder(h::entry, h::exit).name(NAME);
            Patterns.apply(filter, pending, b::filterPending, b::filter);
            Patterns.apply(notrace, pending, b::notracePending, b::notrace);
            Patterns.notraceOwnCode(b::notracePending);
            ops = b.build().ops();
        } else {
            boolean exact = parents == ParentMode.EXACT;
            FtraceOps.Builder b = FtraceOps.builder(new Callback(this, ring, exact ? EventLayout.FLAG_PARENT_EXACT : 0))
                    .name(NAME);
            if (exact) {
                b.flags(FtraceOps.Flag.PARENT_IP);
            }
            Patterns.apply(filter, pending, b::filterPending, b::filter);
            Patterns.apply(notrace, pending, b::notracePending, b::notrace);
            Patterns.notraceOwnCode(b::notracePending);
            ops = b.build();
        }
        ring.setRecording(tracingOn);
        registration = Ftrace.register(ops);
    }

    /** {@return whether the current thread passes the thread filter} */
    private boolean traced() {
        final ThreadFilter f = threadFilter;
        return f == null || f.traced();
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

    /** {@return how parents are recorded} */
    public ParentMode parents() {
        return parents;
    }

    /** Stops tracing: unregisters the ops; when it returns no callback runs. Nothing if stopped. */
    public synchronized void stop() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    /** {@return whether the tracer's ops is registered} */
    public synchronized boolean isStarted() {
        return registration != null;
    }

    /**
     * {@code tracing_on}: off, the hooks stay but events are neither stored nor counted (cheap to
     * switch, no class is retransformed); on again, recording resumes.
     */
    public void setTracingOn(boolean on) {
        ring.setRecording(on);
    }

    /** {@return tracing_on} */
    public boolean isTracingOn() {
        return ring.isRecording();
    }

    /**
     * {@code echo N > buffer_size_kb}: new, empty buffers of {@code kb} KB each (rounded up to a
     * power of two). The events held are discarded, as the kernel does.
     *
     * @throws FtraceException EBUSY while started (stop first); EINVAL for a size out of range
     */
    public synchronized void setBufferSizeKb(int kb) {
        if (registration != null) {
            throw new FtraceException(Errno.EBUSY, "buffer_size_kb can change only while the tracer is stopped: stop() first");
        }
        RingBuffer next = RingBuffer.create(kb, buffers, mode, ring.clock());
        next.setRecording(ring.isRecording());
        ring = next;
    }

    /** {@return buffer_size_kb in effect} */
    public int bufferSizeKb() {
        return ring.bufferSizeKb();
    }

    /**
     * {@code echo counter > trace_clock}: new, empty buffers stamped with {@code clock} (the kernel
     * empties the buffers too: timestamps of two clocks do not compare).
     *
     * @throws FtraceException EBUSY while started (stop first); EINVAL for null
     */
    public synchronized void setTraceClock(TraceClock clock) {
        if (registration != null) {
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

    /** {@return the ring buffer the events go to now (replaced by {@link #setBufferSizeKb})} */
    public RingBuffer ring() {
        return ring;
    }

    /** {@return the {@code trace} file: header and every event in the buffers, oldest first, not consumed} */
    public String trace() {
        StringBuilder sb = new StringBuilder();
        trace(sb);
        return sb.toString();
    }

    /** Appends the {@code trace} file to {@code out}. */
    public void trace(Appendable out) {
        RingBuffer r = ring;
        RingBuffer.Snapshot s = r.snapshot();
        FunctionTraceFormat f = new FunctionTraceFormat(r, symOffset);
        f.header(out, NAME, s.stats());
        f.lines(out, s.events());
    }

    /**
     * {@return the tracer's function triggers ({@code glob:traceon|traceoff|stacktrace|snapshot[:count]}
     * in {@code set_ftrace_filter}): registered as added, started or not}
     */
    public Triggers triggers() {
        return triggers;
    }

    /** {@code echo 1 > snapshot}: copies the buffers' events and counts aside (what a snapshot trigger does). */
    public void takeSnapshot() {
        saved = SnapshotBuffer.take(ring);
    }

    /** {@return the {@code snapshot} file: the last copy taken, as {@link #trace()} prints; a note when none was taken} */
    public String snapshot() {
        SnapshotBuffer s = saved;
        if (s == null) {
            return SnapshotBuffer.freed(NAME);
        }
        StringBuilder sb = new StringBuilder();
        FunctionTraceFormat f = new FunctionTraceFormat(ring, symOffset).withStacks(s::stack);
        f.header(sb, NAME, s.stats());
        f.lines(sb, s.events());
        return sb.toString();
    }

    /** {@return a {@code trace_pipe} reader of the current buffers (open another after a resize)} */
    public Pipe openPipe() {
        RingBuffer r = ring;
        return new Pipe(new TracePipe(r, 4096), new FunctionTraceFormat(r, symOffset));
    }

    /** The callback: one event per call. Allocates nothing; the ring is fixed for its ops' life. */
    private static final class Callback implements FtraceFunc {
        private final FunctionTracer tracer;
        private final RingBuffer ring;
        private final int flags;

        Callback(FunctionTracer tracer, RingBuffer ring, int flags) {
            this.tracer = tracer;
            this.ring = ring;
            this.flags = flags;
        }

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            final ThreadFilter f = tracer.threadFilter;
            if (f != null && !f.traced()) {
                return;
            }
            ring.write(EventLayout.KIND_FUNCTION, flags, 0, ip, parentIp, 0, 0);
        }
    }

    /** {@code trace_pipe} as text: consuming, blocking; a {@code BUF:N [LOST M EVENTS]} line where events were lost. */
    public static final class Pipe {
        private final TracePipe pipe;
        private final FunctionTraceFormat format;

        Pipe(TracePipe pipe, FunctionTraceFormat format) {
            this.pipe = pipe;
            this.format = format;
        }

        /**
         * {@return the next lines, waiting up to {@code timeout} for an event; empty if none came}
         *
         * @throws InterruptedException if interrupted while waiting
         */
        public List<String> readLines(long timeout, TimeUnit unit) throws InterruptedException {
            List<TraceEvent> events = pipe.read(timeout, unit);
            List<String> lines = new ArrayList<>(events.size() + 1);
            for (long[] lost : pipe.losses()) {
                lines.add(FunctionTraceFormat.lostLine(lost[0], lost[1]));
            }
            for (TraceEvent e : events) {
                String l = format.line(e);
                if (e.kind() == EventLayout.KIND_STACK) {
                    lines.addAll(List.of(l.split("\n")));
                } else {
                    lines.add(l);
                }
            }
            return lines;
        }
    }

    /** Options of a {@link FunctionTracer}, given before it exists. */
    public static final class Builder {
        private final List<String> filter = new ArrayList<>();
        private final List<String> notrace = new ArrayList<>();
        private ParentMode parents = ParentMode.NONE;
        private ThreadFilter threadFilter;
        private boolean symOffset;
        private int bufferSizeKb = RingBuffer.DEFAULT_BUFFER_SIZE_KB;
        private int buffers = RingBuffer.defaultBuffers();
        private BufferMode mode = BufferMode.OVERWRITE;
        private TraceClock clock = TraceClock.MONO;
        private boolean pending;
        private FunctionTracer previous;

        private Builder() {
        }

        /**
         * Writes on into {@code previous}'s ring buffer and keeps its snapshot, as the kernel keeps
         * the buffer when {@code set_ftrace_filter} changes under a running tracer: for a tracer
         * that replaces a stopped {@code previous} with other filters. The buffer settings
         * ({@link #bufferSizeKb}, {@link #mode}, {@link #clock}) are then {@code previous}'s.
         */
        public Builder continueFrom(FunctionTracer previous) {
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
            for (String g : globs) {
                filter.add(Objects.requireNonNull(g, "glob"));
            }
            return this;
        }

        /** {@code set_ftrace_notrace}: globs of methods never traced. */
        public Builder notrace(String... globs) {
            for (String g : globs) {
                notrace.add(Objects.requireNonNull(g, "glob"));
            }
            return this;
        }

        /** Exact parents: each call's caller by a stack walk ({@code PARENT_IP}; microseconds a call). Same as {@code parents(on ? EXACT : NONE)}. */
        public Builder parentIp(boolean on) {
            this.parents = on ? ParentMode.EXACT : ParentMode.NONE;
            return this;
        }

        /** How parents are recorded: none (default), exact (a stack walk), or the nearest traced frame (exit hooks). */
        public Builder parents(ParentMode mode) {
            this.parents = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** {@code set_ftrace_pid}: the threads to trace, or null (the default) for every thread. */
        public Builder threadFilter(ThreadFilter filter) {
            this.threadFilter = filter;
            return this;
        }

        /** The kernel's {@code sym-offset}: print a parent as {@code caller+bci}. */
        public Builder symOffset(boolean on) {
            this.symOffset = on;
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
         * @throws FtraceException EINVAL for a buffer size or count out of range (the message says which)
         */
        public FunctionTracer build() {
            return new FunctionTracer(this);
        }
    }
}
