package org.jftrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An entry and a return handler on the same methods: the kernel's {@code fgraph_ops}, the exit hooks
 * that function_graph, the profiler and every duration are built on.
 *
 * <p>An {@code FgraphOps} carries an ordinary {@link FtraceOps} ({@link #ops()}), the kernel's
 * {@code fgraph_ops.ops}: the same filters, notrace lists, filter ips, flags, registration, recursion
 * guard and unregister guarantee. Select methods with {@link Ftrace#ftraceSetFilter} on
 * {@link #ops()} (or the builder), and register with {@link Ftrace#registerFgraph}, or with
 * {@link Ftrace#register} on {@link #ops()} for a handle that unregisters when closed.
 *
 * <p>Every call the ops sees gets its entry handler; when that returns anything but
 * {@link #NO_EXIT}, the same call's exit gets the return handler, with the value. Exits by exception
 * are exits ({@link Exit#THROW}), a constructor that throws before {@code super()} returns included.
 * After unregister returns, neither handler runs; an exit whose entry ran before is delivered before
 * unregister returns or never.
 *
 * <p>Flags: {@link FtraceOps.Flag#RECURSION_SAFE} (no recursion guard), {@link FtraceOps.Flag#PER_CPU},
 * {@link FtraceOps.Flag#RCU}, {@link FtraceOps.Flag#PARENT_IP} as for any ops;
 * {@link FtraceOps.Flag#SAVE_REGS} hands the return handler the value returned. IPMODIFY and
 * SAVE_REGS_IF_SUPPORTED do not apply to exit hooks and are refused.
 */
public final class FgraphOps {
    /** What an entry handler returns when it does not want this call's exit. */
    public static final long NO_EXIT = Long.MIN_VALUE;

    /** How a traced call left its method. */
    public enum Exit {
        /** By a return instruction. */
        RETURN,
        /** By an exception thrown there or in a callee, not caught there. */
        THROW
    }

    private final FgraphEntryFunc entryFunc;
    private final FgraphRetFunc retFunc;
    private final Object privateData;
    private FtraceOps ops;

    private FgraphOps(FgraphEntryFunc entryFunc, FgraphRetFunc retFunc, Object privateData) {
        this.entryFunc = entryFunc;
        this.retFunc = retFunc;
        this.privateData = privateData;
    }

    /** {@return an ops with these handlers, no flags, and an empty filter (every method)} */
    public static FgraphOps of(FgraphEntryFunc entryFunc, FgraphRetFunc retFunc) {
        return builder(entryFunc, retFunc).build();
    }

    /** {@return a builder of ops with these handlers} */
    public static Builder builder(FgraphEntryFunc entryFunc, FgraphRetFunc retFunc) {
        return new Builder(Objects.requireNonNull(entryFunc, "entryFunc"), Objects.requireNonNull(retFunc, "retFunc"));
    }

    /**
     * {@return the exit-hook ops that {@code ops} stands for, or null for a plain ops} The core reads
     * it to tell an exit hook from an entry hook.
     */
    public static FgraphOps of(FtraceOps ops) {
        return ops.func() instanceof Handlers h ? h.gops : null;
    }

    /** {@return the ops that carries the filters, flags and registration} */
    public FtraceOps ops() {
        return ops;
    }

    /** {@return the entry handler} */
    public FgraphEntryFunc entryFunc() {
        return entryFunc;
    }

    /** {@return the return handler} */
    public FgraphRetFunc retFunc() {
        return retFunc;
    }

    /** {@return the private data, or null} */
    public Object privateData() {
        return privateData;
    }

    /** {@return the flags of {@link #ops()}} */
    public Set<FtraceOps.Flag> flags() {
        return ops.flags();
    }

    /** {@return the name of {@link #ops()}} */
    public String name() {
        return ops.name();
    }

    @Override
    public String toString() {
        return "FgraphOps[" + ops.name() + ", flags=" + ops.flags() + "]";
    }

    /**
     * The {@link FtraceFunc} of {@link #ops()}: marks it as an exit-hook ops. The core never calls it
     * (it calls the handlers); a direct call does nothing.
     */
    static final class Handlers implements FtraceFunc {
        final FgraphOps gops;

        Handlers(FgraphOps gops) {
            this.gops = gops;
        }

        @Override
        public void call(long ip, long parentIp, FtraceOps op, Regs regs) {
            // never called for an exit-hook ops
        }

        @Override
        public String toString() {
            return "fgraph";
        }
    }

    /**
     * Makes one {@link FgraphOps} whose ops has its flags, name and patterns before anyone holds it,
     * as {@link FtraceOps.Builder} does (same calls, same order rules).
     */
    public static final class Builder {
        private final FgraphEntryFunc entryFunc;
        private final FgraphRetFunc retFunc;
        private Object privateData;
        private FtraceOps.Flag[] flags = new FtraceOps.Flag[0];
        private String name;
        private final List<Consumer<FtraceOps.Builder>> steps = new ArrayList<>();

        private Builder(FgraphEntryFunc entryFunc, FgraphRetFunc retFunc) {
            this.entryFunc = entryFunc;
            this.retFunc = retFunc;
        }

        /**
         * Sets exactly these flags.
         *
         * @throws IllegalArgumentException for IPMODIFY or SAVE_REGS_IF_SUPPORTED, which exit hooks do not have
         */
        public Builder flags(FtraceOps.Flag... flags) {
            for (FtraceOps.Flag f : flags) {
                if (f == FtraceOps.Flag.IPMODIFY || f == FtraceOps.Flag.SAVE_REGS_IF_SUPPORTED) {
                    throw new IllegalArgumentException(f + " does not apply to an FgraphOps (exit hooks cannot "
                            + "redirect a call, and always get the return value with SAVE_REGS): leave it out, or "
                            + "use an FtraceOps");
                }
            }
            this.flags = flags.clone();
            return this;
        }

        /** Sets the private data. */
        public Builder privateData(Object data) {
            this.privateData = data;
            return this;
        }

        /** Sets the name of the ops. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** As {@link FtraceOps.Builder#filter}. */
        public Builder filter(String... globs) {
            String[] g = globs.clone();
            steps.add(b -> b.filter(g));
            return this;
        }

        /** As {@link FtraceOps.Builder#filterPending}. */
        public Builder filterPending(String... globs) {
            String[] g = globs.clone();
            steps.add(b -> b.filterPending(g));
            return this;
        }

        /** As {@link FtraceOps.Builder#filterIp}. */
        public Builder filterIp(long... ips) {
            long[] i = ips.clone();
            steps.add(b -> b.filterIp(i));
            return this;
        }

        /** As {@link FtraceOps.Builder#notrace}. */
        public Builder notrace(String... globs) {
            String[] g = globs.clone();
            steps.add(b -> b.notrace(g));
            return this;
        }

        /** As {@link FtraceOps.Builder#notracePending}. */
        public Builder notracePending(String... globs) {
            String[] g = globs.clone();
            steps.add(b -> b.notracePending(g));
            return this;
        }

        /**
         * {@return a new ops with the builder's settings}
         *
         * @throws FtraceException as {@link FtraceOps.Builder#build()}
         */
        public FgraphOps build() {
            FgraphOps g = new FgraphOps(entryFunc, retFunc, privateData);
            FtraceOps.Builder b = FtraceOps.builder(new Handlers(g)).flags(flags).privateData(privateData);
            if (name != null) {
                b.name(name);
            }
            for (Consumer<FtraceOps.Builder> s : steps) {
                s.accept(b);
            }
            g.ops = b.build();
            return g;
        }
    }
}
