package org.jftrace.tracers.trigger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceFunc;
import org.jftrace.FtraceOps;
import org.jftrace.Registration;
import org.jftrace.Regs;
import org.jftrace.tracers.HandlerTypes;
import org.jftrace.tracers.Patterns;
import org.jftrace.tracers.ring.EventLayout;
import org.jftrace.tracers.ring.RingBuffer;
import org.jftrace.tracers.ring.StackTraces;

/**
 * A tracer's function triggers: the commands of {@code set_ftrace_filter}
 * ({@code echo 'glob:traceoff:1' >> set_ftrace_filter}), each on an {@link FtraceOps} of its own on
 * the functions its glob selects (the kernel's function probes), registered when added and
 * unregistered when removed, whether the tracer is started or not (as the kernel's probes, which
 * act on {@code tracing_on} whatever the current tracer).
 *
 * <ul>
 * <li>{@code traceon}/{@code traceoff}: sets the tracer's tracing_on. With a count, each function
 *     has its own count (the kernel's per-ip mapper), decremented only when the call changed the
 *     state, and the trigger does nothing once it is 0 (the kernel's {@code ftrace_traceon_count}).</li>
 * <li>{@code stacktrace}: while tracing is on, writes a stack trace record into the ring
 *     (printed {@code <stack trace>} then {@code  => frame} lines, innermost first); a count is
 *     decremented per stack recorded.</li>
 * <li>{@code snapshot}: copies the buffers aside as the tracer's {@code snapshot}; a count is
 *     decremented per copy.</li>
 * </ul>
 * traceon and traceoff allocate nothing when they fire; a stack trace and a snapshot copy allocate
 * by nature.
 */
public final class Triggers {
    /** Functions per counted trigger with a count of their own. */
    static final int COUNTED_FUNCTIONS = 1024;

    private final TriggerTarget target;
    private final boolean pending;
    private final Map<String, Active> active = new LinkedHashMap<>();

    private record Active(FunctionTrigger trigger, Fire fire, Registration registration) {
    }

    /**
     * @param target  the tracer the triggers act on
     * @param pending globs may name classes not loaded yet (the tracer's own setting)
     */
    public Triggers(TriggerTarget target, boolean pending) {
        this.target = Objects.requireNonNull(target, "target");
        this.pending = pending;
    }

    /**
     * {@code echo 'glob:command[:count]' >> set_ftrace_filter}: parses and registers a trigger. One
     * trigger per glob and command: adding it again replaces it (with its counts afresh).
     *
     * @throws FtraceException EINVAL for bad syntax ({@link FunctionTrigger#parse}), a glob that
     *                         matches nothing (unless pending), or a command the tracer cannot do;
     *                         ENODEV without the agent
     */
    public FunctionTrigger add(String spec) {
        return add(FunctionTrigger.parse(spec));
    }

    /** As {@link #add(String)}, for a trigger already parsed. */
    public synchronized FunctionTrigger add(FunctionTrigger t) {
        Objects.requireNonNull(t, "trigger");
        if (t.command() == TriggerCommand.STACKTRACE && target.traceRing() == null
                || t.command() == TriggerCommand.SNAPSHOT && !target.hasSnapshot()) {
            throw new FtraceException(Errno.EINVAL, "the " + target.tracerName() + " tracer has no ring buffer for a "
                    + t.command().word() + " trigger: use it on the function or function_graph tracer");
        }
        Fire fire = new Fire(target, t.command(), t.count() == FunctionTrigger.UNLIMITED ? null
                : new IpCounts(COUNTED_FUNCTIONS, t.count()));
        HandlerTypes.resolve(); // before the hooks: else C2 may not inline the callback into them
        FtraceOps.Builder b = FtraceOps.builder(fire).name(target.tracerName() + ":" + t.command().word());
        Patterns.apply(List.of(t.glob()), pending, b::filterPending, b::filter);
        Patterns.notraceOwnCode(b::notracePending);
        Registration r = Ftrace.register(b.build());
        Active old = active.put(key(t.glob(), t.command()), new Active(t, fire, r));
        if (old != null) {
            old.registration.close();
        }
        return t;
    }

    /**
     * {@code echo '!glob:command' >> set_ftrace_filter}: removes the trigger (a count, if given, is
     * ignored; the leading {@code !} is optional). When it returns it fires no more.
     *
     * @return whether there was such a trigger
     * @throws FtraceException EINVAL for bad syntax
     */
    public synchronized boolean remove(String spec) {
        String s = spec == null ? "" : spec.strip();
        FunctionTrigger t = FunctionTrigger.parse(s.startsWith("!") ? s.substring(1) : s);
        Active a = active.remove(key(t.glob(), t.command()));
        if (a == null) {
            return false;
        }
        a.registration.close();
        return true;
    }

    /** Removes every trigger. */
    public synchronized void clear() {
        for (Active a : active.values()) {
            a.registration.close();
        }
        active.clear();
    }

    /** {@return the triggers in the order added, with the counts they were given} */
    public synchronized List<FunctionTrigger> list() {
        List<FunctionTrigger> l = new ArrayList<>();
        for (Active a : active.values()) {
            l.add(a.trigger);
        }
        return l;
    }

    /**
     * {@return the triggers as {@code set_ftrace_filter} lists them: per trigger its glob with the
     * count it was given ({@code glob:traceoff:count=1}, {@code glob:snapshot:unlimited}), then each
     * function it has fired on with that function's count now ({@code a.B.c:traceoff:count=0})}
     */
    public synchronized List<String> lines() {
        List<String> l = new ArrayList<>();
        for (Active a : active.values()) {
            l.add(a.trigger.toString());
            if (a.fire.counts != null) {
                String cmd = a.trigger.command().word();
                a.fire.counts.forEach((ip, n) -> l.add(Ftrace.lookup(ip).map(f -> f.name()).orElse("0x" + Long.toHexString(ip))
                        + ":" + cmd + ":count=" + n));
            }
        }
        return l;
    }

    /**
     * {@return how many more times trigger {@code spec} (glob and command) fires on the function
     * {@code ip}: its given count until that function first fires, {@link FunctionTrigger#UNLIMITED}
     * without a count}
     *
     * @throws FtraceException ENOENT if there is no such trigger; EINVAL for bad syntax
     */
    public synchronized long remaining(String spec, long ip) {
        FunctionTrigger t = FunctionTrigger.parse(spec);
        Active a = active.get(key(t.glob(), t.command()));
        if (a == null) {
            throw new FtraceException(Errno.ENOENT, "no trigger " + t.glob() + ":" + t.command().word()
                    + ": list() shows the triggers set");
        }
        return a.fire.counts == null ? FunctionTrigger.UNLIMITED : a.fire.counts.countOf(ip);
    }

    private static String key(String glob, TriggerCommand c) {
        return glob + "\u0000" + c.word();
    }

    /** The callback of one trigger. Allocates nothing except in a stack trace or a snapshot. */
    static final class Fire implements FtraceFunc {
        private final TriggerTarget target;
        private final TriggerCommand command;
        /** Per-function counts, or null for an unlimited trigger. */
        final IpCounts counts;

        Fire(TriggerTarget target, TriggerCommand command, IpCounts counts) {
            this.target = target;
            this.command = command;
            this.counts = counts;
        }

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            switch (command) {
                case TRACEON -> toggle(ip, true);
                case TRACEOFF -> toggle(ip, false);
                case STACKTRACE -> stacktrace(ip);
                case SNAPSHOT -> snapshot(ip);
            }
        }

        /** The kernel's {@code update_traceon_count}: the count goes down only when the state changed. */
        private void toggle(long ip, boolean on) {
            final TriggerTarget t = target;
            if (counts == null) {
                if (t.isTracingOn() != on) {
                    t.setTracingOn(on);
                }
                return;
            }
            final int slot = counts.slot(ip);
            final long old = counts.get(slot);
            if (old <= 0 || t.isTracingOn() == on) {
                return;
            }
            t.setTracingOn(on);
            // two threads flipping at once: the second flip is a no-op, and only one decrements
            counts.compareAndSet(slot, old, old - 1);
        }

        /** The kernel's {@code ftrace_stacktrace_count}: only while tracing is on, one stack per count. */
        private void stacktrace(long ip) {
            if (!target.isTracingOn()) {
                return;
            }
            if (counts != null && !take(ip)) {
                return;
            }
            RingBuffer ring = target.traceRing();
            List<String> frames = StackWalker.getInstance().walk(s -> s.dropWhile(f -> isJftrace(f.getClassName()))
                    .limit(StackTraces.MAX_FRAMES).map(f -> f.getClassName() + "." + f.getMethodName()).toList());
            long id = ring.stacks().put(frames);
            ring.write(EventLayout.KIND_STACK, 0, 0, ip, Ftrace.UNKNOWN_IP, id, frames.size());
        }

        private void snapshot(long ip) {
            if (counts != null && !take(ip)) {
                return;
            }
            target.takeSnapshot();
        }

        /** {@return whether {@code ip}'s count was above 0, decremented now} */
        private boolean take(long ip) {
            final int slot = counts.slot(ip);
            while (true) {
                long old = counts.get(slot);
                if (old <= 0) {
                    return false;
                }
                if (counts.compareAndSet(slot, old, old - 1)) {
                    return true;
                }
            }
        }

        /** jftrace's own frames between the traced method and here: the hook, dispatch, this callback. */
        static boolean isJftrace(String cls) {
            return cls.startsWith("org.jftrace.internal.") || cls.startsWith("org.jftrace.tracers.")
                    || cls.startsWith("org.jftrace.") && cls.indexOf('.', "org.jftrace.".length()) < 0;
        }
    }
}
