package org.jftrace.internal.api;

import java.util.List;
import java.util.Optional;

import org.jftrace.EnabledFunction;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;

/**
 * The implementation behind {@link org.jftrace.Ftrace}, installed once by the agent. Internal: the
 * package name says so; user code never implements or calls it.
 */
public interface Backend {
    void register(FtraceOps ops);

    void unregister(FtraceOps ops);

    void setFilter(FtraceOps ops, String buf, boolean reset, boolean pending);

    void setNotrace(FtraceOps ops, String buf, boolean reset, boolean pending);

    void setFilterIp(FtraceOps ops, long ip, boolean remove, boolean reset);

    void localEnable(FtraceOps ops);

    void localDisable(FtraceOps ops);

    boolean isRegistered(FtraceOps ops);

    long callbackErrors(FtraceOps ops);

    Optional<FunctionInfo> lookup(long ip);

    long lookupIp(String name);

    List<FunctionInfo> availableFilterFunctions();

    List<EnabledFunction> enabledFunctions();

    /** Checks that method {@code replacementIp} can stand in for {@code ip}; EINVAL with the reason if not. */
    void checkReplacement(long ip, long replacementIp);

    /** {@link org.jftrace.Ftrace#ftraceTestRecursionTrylock()}. */
    int recursionTrylock();

    /** {@link org.jftrace.Ftrace#ftraceTestRecursionUnlock(int)}. */
    void recursionUnlock(int bit);
}
