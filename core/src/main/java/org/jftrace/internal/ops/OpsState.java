package org.jftrace.internal.ops;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.WeakHashMap;
import java.util.Set;

import org.jftrace.FtraceOps;
import org.jftrace.internal.dispatch.LiveOps;
import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.functions.ClassRecord;

/**
 * The control plane's state of one ops (the kernel's {@code ftrace_ops} minus what hooked calls
 * read): its filter and notrace lists, whether it is registered, and which classes it is hooked in.
 * Every field is guarded by the ops list's lock. The hooked calls' half is {@link #live}.
 */
public final class OpsState {
    /** The ops, weakly: the ops list is keyed by it, and the value must not keep the key alive. */
    public final WeakReference<FtraceOps> ref;
    public final String name;
    /** What hooked calls read of this ops. */
    public final LiveOps live;

    public boolean registered;
    public FilterList filter = FilterList.EMPTY;
    public FilterList notrace = FilterList.EMPTY;
    /**
     * Classes with a method this ops is enabled on. Weak: the function table holds the records of
     * live classes, and one it forgot (its class unloaded) leaves this set by itself; planning walks
     * only the table's live classes, so a dead entry not yet collected changes nothing.
     */
    public final Set<ClassRecord> hookedClasses = Collections.newSetFromMap(new WeakHashMap<>());

    public OpsState(FtraceOps ops) {
        this.ref = new WeakReference<>(ops);
        this.name = ops.name();
        this.live = new LiveOps(ops);
    }

    public boolean has(FtraceOps.Flag flag) {
        return live.has(flag);
    }

    /** {@return the list a filter change edits: the filter, or the notrace list} */
    public FilterList list(boolean isFilter) {
        return isFilter ? filter : notrace;
    }

    /** Sets the filter or the notrace list. */
    public void setList(boolean isFilter, FilterList next) {
        if (isFilter) {
            filter = next;
        } else {
            notrace = next;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
