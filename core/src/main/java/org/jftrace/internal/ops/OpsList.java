package org.jftrace.internal.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.jftrace.FtraceOps;
import org.jftrace.internal.filter.ClassMatch;
import org.jftrace.internal.filter.FilterList;

/**
 * The ops list (the kernel's {@code ftrace_ops_list}) and its lock: every ops jftrace was given
 * (weakly), the registered ones newest first, and a snapshot of the classes they may hook.
 *
 * <p>This object's monitor is the control plane's one lock: every change of ops, filters and hooks
 * holds it from validation to the last relink and retransformation. Code under it never runs user
 * code, never reads a class file and never waits for another thread, except the JVM's own
 * retransformation (a safepoint). The class-load path takes it only for classes that
 * {@link #mayHook} accepts: the snapshot is immutable and republished on every change.
 */
public final class OpsList {
    /** States of every ops ever passed in, weakly: an unregistered ops that users dropped goes away. */
    private final Map<FtraceOps, OpsState> states = new WeakHashMap<>();
    /** Registered ops, newest first (the kernel's list order). */
    private final List<OpsState> registered = new ArrayList<>();
    private final List<OpsState> registeredView = Collections.unmodifiableList(registered);
    /** The classes any registered (or registering) ops may hook; read without the lock. */
    private volatile ClassMatch mayHook = ClassMatch.NONE;

    /** {@return the state of {@code ops}, made on first use} Under the lock. */
    public OpsState state(FtraceOps ops) {
        OpsState s = states.get(ops);
        if (s == null) {
            s = new OpsState(ops);
            states.put(ops, s);
        }
        return s;
    }

    /** {@return the state of {@code ops}, or null if it was never used} Under the lock. */
    public OpsState find(FtraceOps ops) {
        return states.get(ops);
    }

    /** {@return the registered ops, newest first} A view: under the lock. */
    public List<OpsState> registered() {
        return registeredView;
    }

    /** Adds {@code s} at the head (newest first). Under the lock; then {@link #publish}. */
    public void add(OpsState s) {
        registered.add(0, s);
    }

    public void remove(OpsState s) {
        registered.remove(s);
    }

    /**
     * Republishes the class snapshot from the registered ops' filters, plus {@code extra} (an ops
     * about to be registered, or a filter about to be set: a class that loads meanwhile then takes
     * the lock and is hooked by the final state). Under the lock.
     */
    public void publish(FilterList... extra) {
        List<FilterList> filters = new ArrayList<>();
        for (OpsState s : registered) {
            filters.add(s.filter);
        }
        Collections.addAll(filters, extra);
        mayHook = ClassMatch.union(filters);
    }

    /** {@return whether some registered ops may hook a method of class {@code className}} Lock-free. */
    public boolean mayHook(String className) {
        return mayHook.test(className);
    }
}
