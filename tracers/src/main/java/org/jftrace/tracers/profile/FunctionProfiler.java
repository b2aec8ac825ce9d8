package org.jftrace.tracers.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongFunction;

import org.jftrace.Errno;
import org.jftrace.FgraphOps;
import org.jftrace.tracers.HandlerTypes;
import org.jftrace.tracers.Patterns;
import org.jftrace.tracers.ThreadFilter;
import org.jftrace.Ftrace;
import org.jftrace.FunctionInfo;
import org.jftrace.FtraceException;
import org.jftrace.tracers.graph.PerThreadSlots;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.trigger.TriggerTarget;
import org.jftrace.tracers.trigger.Triggers;

/**
 * The function profiler ({@code function_profile_enabled}, {@code trace_stat/function}; the kernel's
 * {@code ftrace_profile_*} in {@code ftrace.c}): per function, hits, total time, average and
 * variance, on an {@link FgraphOps}.
 *
 * <p>Hot path: the entry handler returns the clock as the call's data; the return handler reads the
 * clock again and adds the duration to the counters ({@link ProfileCounters}) of the caller's stripe ({@link ProfileStripe}:
 * open addressing on {@code long[]}, no boxing, no lock; kept by a platform thread while it lives,
 * which then updates it with no atomic operation, else claimed with one compare-and-set per call;
 * a busy stripe sends the writer to the next). Readers never claim: each slot is a seqlock, and
 * they copy and merge.
 *
 * <p>graph-time (the kernel's option, on by default): a duration includes the callees'. Off, each
 * function gets its self time. The thread keeps one number, the self time of the profiled calls it
 * has completed (X, in a {@link PerThreadSlots} slot the thread keeps while it lives); the
 * entry returns {@code now - X} and the exit's self time is {@code (now - X) - data}: its duration
 * minus the self time of everything that completed under it, which is its callees' durations.
 *
 * <p>Grammar: {@code (setEnabled(true) (reset | stat | traceStat)* setEnabled(false) (setOption)*)*}.
 */
public final class FunctionProfiler {
    /** The stat file's name under {@code trace_stat}. */
    public static final String NAME = "function";
    /** The most functions each stripe keeps by default (x threads with per-thread profiles). */
    public static final int DEFAULT_FUNCTIONS = 1 << 17;
    /** Functions a stripe's first table holds: it doubles as it fills, up to the profiler's {@code functions}. */
    static final int FIRST_FUNCTIONS = 1024;
    static final int THREAD_SLOTS = 4096;

    private final List<String> filter;
    private final List<String> notrace;
    private final boolean perThread;
    private final boolean pending;
    /** The counters: stripes of per-function hits, times and squares. */
    private final ProfileCounters counters;
    private volatile boolean graphTime;
    /** tracing_on: off, entries return NO_EXIT (hooks stay, nothing is counted). */
    private volatile boolean tracingOn = true;
    /** set_ftrace_pid: null (every thread) costs one load and one branch per call. */
    private volatile ThreadFilter threadFilter;
    private final Triggers triggers;
    private FgraphOps ops;
    private PerThreadSlots threads;

    private FunctionProfiler(Builder b) {
        this.filter = List.copyOf(b.filter);
        this.notrace = List.copyOf(b.notrace);
        this.perThread = b.perThread;
        this.pending = b.pending;
        this.graphTime = b.graphTime;
        if (b.functions < 16 || b.functions > 1 << 22) {
            throw new FtraceException(Errno.EINVAL, "functions per stripe " + b.functions
                    + " is out of range: give 16 to " + (1 << 22) + " (the default is " + DEFAULT_FUNCTIONS + ")");
        }
        if (b.stripes < 1 || b.stripes > RingBuffer.MAX_BUFFERS) {
            throw new FtraceException(Errno.EINVAL, "stripes " + b.stripes + " is out of range: give 1 to "
                    + RingBuffer.MAX_BUFFERS + " (the default is " + RingBuffer.defaultBuffers() + ")");
        }
        int n = ceilPow2(b.stripes);
        // a table keeps at most 3/4 of its slots; 16 MB a stripe at most by default, 128 KB at first
        int maxSlots = ceilPow2(b.functions * 4 / 3);
        this.counters = new ProfileCounters(n, Math.min(maxSlots, ceilPow2(FIRST_FUNCTIONS * 4 / 3)), maxSlots,
                b.perThread);
        this.triggers = new Triggers(TriggerTarget.tracingOnOnly("function profiler", this::isTracingOn,
                this::setTracingOn), b.pending);
        this.threadFilter = b.threadFilter;
    }

    private static int ceilPow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** {@return a builder: every method, merged, graph-time on, default stripes} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code echo 1 > function_profile_enabled}: registers the profiler's ops (hooks the methods);
     * {@code 0} unregisters it (when it returns no handler runs). The counts stay until {@link #reset}.
     *
     * @throws FtraceException as {@link Ftrace#registerFgraph}: EINVAL for a filter that matches
     *                         nothing, ENODEV without the agent
     */
    public synchronized void setEnabled(boolean on) {
        if (on == (ops != null)) {
            return;
        }
        if (!on) {
            Ftrace.unregisterFgraph(ops);
            ops = null;
            threads = null;
            return;
        }
        HandlerTypes.resolve(); // before the hooks: else C2 may not inline the handlers into them
        FgraphOps.Builder b;
        if (graphTime) {
            b = FgraphOps.builder(this::entry, this::exit);
        } else {
            threads = new PerThreadSlots(THREAD_SLOTS);
            b = FgraphOps.builder(this::selfEntry, this::selfExit);
        }
        b.name("function_profile");
        Patterns.apply(filter, pending, b::filterPending, b::filter);
        Patterns.apply(notrace, pending, b::notracePending, b::notrace);
        Patterns.notraceOwnCode(b::notracePending);
        FgraphOps g = b.build();
        Ftrace.registerFgraph(g);
        ops = g;
    }

    /** {@return function_profile_enabled} */
    public synchronized boolean isEnabled() {
        return ops != null;
    }

    /**
     * Sets a profiler option by its kernel name: {@code graph-time} (durations with callees, the
     * default) or off (self time). Changing it resets the counts, which would mix both otherwise.
     *
     * @throws FtraceException EINVAL for another name; EBUSY while enabled (disable first)
     */
    public synchronized void setOption(String name, boolean on) {
        if (!"graph-time".equals(name)) {
            throw new FtraceException(Errno.EINVAL, "unknown function profiler option '" + name + "': give graph-time");
        }
        if (ops != null) {
            throw new FtraceException(Errno.EBUSY, "graph-time can change only while the profiler is disabled: "
                    + "setEnabled(false) first");
        }
        if (graphTime != on) {
            graphTime = on;
            reset();
        }
    }

    /**
     * {@code tracing_on} for the profiler: off, the hooks stay but calls that start meanwhile are
     * not counted (calls open when it goes off are counted when they return); on again, counting
     * resumes. No retransformation either way.
     */
    public void setTracingOn(boolean on) {
        tracingOn = on;
    }

    /** {@return tracing_on} */
    public boolean isTracingOn() {
        return tracingOn;
    }

    /** {@code set_ftrace_pid}: profile only the threads {@code filter} selects; {@code null}: every thread. */
    public void setThreadFilter(ThreadFilter filter) {
        threadFilter = filter;
    }

    /** {@return the thread filter, or null for every thread} */
    public ThreadFilter threadFilter() {
        return threadFilter;
    }

    /** {@return whether a call starting now on this thread is counted: tracing_on and the thread filter} */
    private boolean counting() {
        if (!tracingOn) {
            return false;
        }
        final ThreadFilter f = threadFilter;
        return f == null || f.traced();
    }

    /**
     * {@return the profiler's function triggers: {@code traceon} and {@code traceoff} (stacktrace and
     * snapshot need a ring buffer, which the profiler has not)}
     */
    public Triggers triggers() {
        return triggers;
    }

    /** {@return whether durations include the callees' (graph-time)} */
    public boolean graphTime() {
        return graphTime;
    }

    /** {@return whether counts are kept per thread} */
    public boolean perThread() {
        return perThread;
    }

    // ---------------------------------------------------------------- hot path

    @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
    private static long tid() {
        return Thread.currentThread().getId();
    }

    private long entry(long ip, long parentIp, int depth, FgraphOps g) {
        if (!counting()) {
            return FgraphOps.NO_EXIT;
        }
        return System.nanoTime();
    }

    private void exit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        add(ip, tid(), System.nanoTime() - data);
    }

    /** Self time: the call's data is {@code now - X}, X the self time this thread has completed. */
    private long selfEntry(long ip, long parentIp, int depth, FgraphOps g) {
        if (!counting()) {
            return FgraphOps.NO_EXIT;
        }
        final PerThreadSlots t = threads;
        final long tid = tid();
        // kept while the thread lives: a claim and a release per outermost call cost three atomics;
        // X starts at 0 in a new slot, and only differences of X are used
        final int slot = t.keep(Thread.currentThread(), tid);
        if (slot < 0) {
            counters.countBusyLost(tid);
            return FgraphOps.NO_EXIT;
        }
        return selfData(System.nanoTime(), t.get(slot, 0));
    }

    /** {@return a call's data under graph-time off: the clock minus the self time completed before it} */
    static long selfData(long now, long completedSelf) {
        return now - completedSelf;
    }

    /**
     * {@return a call's self time: its duration minus the self time of everything that completed
     * since its entry, i.e. minus its callees' durations}
     */
    static long selfTime(long now, long completedSelf, long data) {
        return now - completedSelf - data;
    }

    private void selfExit(long ip, long data, int depth, FgraphOps.Exit exit, Object value, long bits, FgraphOps g) {
        final PerThreadSlots t = threads;
        final long tid = tid();
        final int slot = t.find(tid);
        if (slot < 0) {
            return; // cannot happen while the entry's slot is held; nothing to subtract from
        }
        final long x = t.get(slot, 0);
        final long self = selfTime(System.nanoTime(), x, data);
        t.set(slot, 0, x + self);
        add(ip, tid, self);
    }

    /** Adds one call of {@code ip} by thread {@code tid}, lasting {@code nanos}. Allocates nothing. */
    void add(long ip, long tid, long nanos) {
        counters.add(ip, tid, nanos);
    }

    // ---------------------------------------------------------------- readers

    /**
     * Zeroes every count (the kernel resets when the profiler is enabled again); writers go on meanwhile,
     * and a call open across the reset counts in full afterwards.
     */
    public void reset() {
        counters.reset();
    }

    /** {@return calls not counted: a stripe's table was full, every stripe was busy, or no thread slot was free} */
    public long lost() {
        return counters.lost();
    }

    /** {@return every function's counts over all threads, by total time, longest first} */
    public List<FunctionStat> stat() {
        return sorted(counters.collect(false));
    }

    /** {@return the counts of thread {@code tid} (empty unless per-thread), by total time} */
    public List<FunctionStat> stat(long tid) {
        List<FunctionStat> all = counters.collect(true);
        all.removeIf(s -> s.tid() != tid);
        return sorted(all);
    }

    /** {@return the ids of the threads with counts (empty unless per-thread), in order} */
    public List<Long> threads() {
        TreeSet<Long> t = new TreeSet<>();
        for (FunctionStat s : counters.collect(true)) {
            if (perThread) {
                t.add(s.tid());
            }
        }
        return new ArrayList<>(t);
    }

    /** {@return the merged {@code trace_stat/function} text} */
    public String traceStat() {
        return traceStat(Ftrace::lookup);
    }

    /** {@return the {@code trace_stat/function} text of thread {@code tid}} */
    public String traceStat(long tid) {
        return traceStat(tid, Ftrace::lookup);
    }

    /** {@link #traceStat()} with ips resolved by {@code resolver} (tests: no agent). */
    String traceStat(LongFunction<Optional<FunctionInfo>> resolver) {
        return ProfileFormat.table(stat(), resolver, header(null));
    }

    /** {@link #traceStat(long)} with ips resolved by {@code resolver} (tests: no agent). */
    String traceStat(long tid, LongFunction<Optional<FunctionInfo>> resolver) {
        return ProfileFormat.table(stat(tid), resolver, header(tid));
    }

    private String header(Long tid) {
        return "# function profile: " + (tid == null ? "all threads" : "thread " + tid) + ", graph-time "
                + (graphTime ? "on (durations include callees)" : "off (self time)") + ", lost " + lost()
                + "; times in us, s^2 in us^2\n";
    }

    /** {@return the slots of stripe {@code i}'s current table} (for tests) */
    int stripeSlots(int i) {
        return counters.slots(i);
    }

    /** {@return how many stripes are kept by their threads now} (for tests) */
    int keptStripes() {
        return counters.kept();
    }

    private static List<FunctionStat> sorted(List<FunctionStat> l) {
        l.sort(Comparator.comparingLong(FunctionStat::time).reversed().thenComparingLong(FunctionStat::ip));
        return l;
    }

    /** Options of a {@link FunctionProfiler}, given before it exists. */
    public static final class Builder {
        private final List<String> filter = new ArrayList<>();
        private final List<String> notrace = new ArrayList<>();
        private boolean perThread;
        private boolean graphTime = true;
        private boolean pending;
        private int stripes = RingBuffer.defaultBuffers();
        private int functions = DEFAULT_FUNCTIONS;
        private ThreadFilter threadFilter;

        private Builder() {
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

        /** {@code set_ftrace_pid}: the threads to profile, or null (the default) for every thread. */
        public Builder threadFilter(ThreadFilter filter) {
            this.threadFilter = filter;
            return this;
        }

        /** {@code set_ftrace_filter}: globs of the methods to profile (none: every method). */
        public Builder filter(String... globs) {
            for (String g : globs) {
                filter.add(Objects.requireNonNull(g, "glob"));
            }
            return this;
        }

        /** {@code set_ftrace_notrace}: globs of methods never profiled. */
        public Builder notrace(String... globs) {
            for (String g : globs) {
                notrace.add(Objects.requireNonNull(g, "glob"));
            }
            return this;
        }

        /** Counts per thread (the kernel's per-CPU files) as well as merged; off by default. */
        public Builder perThread(boolean on) {
            this.perThread = on;
            return this;
        }

        /** The kernel's {@code graph-time} option: on (default) durations include callees; off, self time. */
        public Builder graphTime(boolean on) {
            this.graphTime = on;
            return this;
        }

        /** How many stripes of counters; checked by {@link #build()}. */
        public Builder stripes(int n) {
            this.stripes = n;
            return this;
        }

        /**
         * The most functions (x threads, per thread) each stripe keeps: its table starts small and
         * doubles as it fills, up to this; calls of functions past it are counted lost. Checked by
         * {@link #build()}.
         */
        public Builder functions(int n) {
            this.functions = n;
            return this;
        }

        /**
         * {@return the profiler, disabled, with its counters allocated}
         *
         * @throws FtraceException EINVAL for a stripe or function count out of range (the message says which)
         */
        public FunctionProfiler build() {
            return new FunctionProfiler(this);
        }
    }
}
