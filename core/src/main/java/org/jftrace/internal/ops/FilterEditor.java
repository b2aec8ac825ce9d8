package org.jftrace.internal.ops;

import org.jftrace.Errno;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps.Flag;
import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.FunctionTable;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.glob.Glob;

/**
 * The rules of {@code ftrace_set_filter}, {@code ftrace_set_notrace} and {@code ftrace_set_filter_ip}
 * as pure functions: from a list and a request to the next list, or an {@link FtraceException}
 * that leaves everything as it was. They read the function table (what is loaded) and nothing else,
 * so they are unit-tested with a table built in the test.
 *
 * <ul>
 * <li>an empty pattern is EINVAL unless it resets; reset clears the edited list only;</li>
 * <li>a pattern that matches no traceable method of any loaded class is EINVAL, unless pending;</li>
 * <li>{@code !} removes; positive entries left selecting nothing (and not pending) are dropped, and a
 *     filter with no positive entry left is empty, which means every method (the kernel's rule);</li>
 * <li>an ip names exactly one traceable method (else EINVAL); removing one that is not in the filter
 *     is ENOENT;</li>
 * <li>an IPMODIFY ops has no notrace list and never an empty filter (EINVAL).</li>
 * </ul>
 */
public final class FilterEditor {
    private FilterEditor() {
    }

    /** {@return the list after adding (or with {@code !}, removing) {@code entry} to {@code base}} */
    public static FilterList withPattern(FunctionTable table, FilterList base, FilterList.Entry entry) {
        Glob glob = entry.glob;
        if (!entry.pending && !matchesAnyLoaded(table, entry)) {
            throw new FtraceException(Errno.EINVAL, "pattern \"" + glob.text()
                    + "\" matches no traceable method of any loaded class; check the name "
                    + "(binary.class.Name.method, with $ for nested classes), or set it as a pending "
                    + "pattern (ftraceSetFilterPending) to wait for the class to load");
        }
        if (glob.negated()) {
            return base.isEmpty() ? base : prune(table, base.plus(entry));
        }
        return base.plus(entry);
    }

    /** {@return an empty-pattern request's result: the empty list if {@code reset}} @throws FtraceException EINVAL otherwise */
    public static FilterList forEmptyPattern(boolean reset) {
        if (!reset) {
            throw new FtraceException(Errno.EINVAL, "empty pattern: give a glob such as "
                    + "'java.util.HashMap.get', or pass reset=true to clear the list");
        }
        return FilterList.EMPTY;
    }

    /** {@return the traceable method whose own ip is {@code ip}} @throws FtraceException EINVAL if there is none */
    public static MethodRecord traceableAt(FunctionTable table, long ip) {
        MethodRecord m = table.methodOfIp(ip);
        if (m == null || m.ip() != ip || m.reason() != null) {
            throw new FtraceException(Errno.EINVAL, "ip 0x" + Long.toHexString(ip) + " names no traceable method"
                    + (m != null && m.ip() == ip ? " (" + m + " is not traceable: " + m.reason() + ")" : "")
                    + "; get ips from Ftrace.lookupIp or availableFilterFunctions");
        }
        return m;
    }

    /** {@return {@code base} with method {@code m} added, or removed} @throws FtraceException ENOENT removing one not in it */
    public static FilterList withIp(FunctionTable table, FilterList base, MethodRecord m, boolean remove, String opsName) {
        if (!remove) {
            return base.plus(new FilterList.Entry(m, false));
        }
        if (base.isEmpty() || !base.contains(m)) {
            throw new FtraceException(Errno.ENOENT, m + " is not in the filter of " + opsName + "; nothing to remove");
        }
        return prune(table, base.plus(new FilterList.Entry(m, true)));
    }

    /** IPMODIFY ops: no notrace changes, and never an empty filter (every method). */
    public static void checkIpmodify(OpsState s, boolean isFilter, FilterList next) {
        if (!s.has(Flag.IPMODIFY)) {
            return;
        }
        if (!isFilter) {
            throw new FtraceException(Errno.EINVAL, s.name + " has IPMODIFY: its methods are chosen by "
                    + "its filter alone, a notrace list is not allowed");
        }
        if (next.isEmpty()) {
            throw new FtraceException(Errno.EINVAL, "this change would leave " + s.name
                    + " (IPMODIFY) with an empty filter, which means every method; keep at least one entry");
        }
    }

    static boolean matchesAnyLoaded(FunctionTable table, FilterList.Entry e) {
        for (ClassRecord c : table.classes()) {
            if (c.notraceReason != null || !e.mayMatchClass(c.name)) {
                continue;
            }
            for (MethodRecord m : c.methods()) {
                if (m.traceable() && e.matches(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops positive entries that no longer select any method (a later {@code !} removed all they
     * matched) and are not pending; a list left with no positive entry is empty, which for a filter
     * means every method (the kernel's rule: removing the last entry empties the hash).
     */
    static FilterList prune(FunctionTable table, FilterList list) {
        FilterList out = list;
        for (FilterList.Entry e : list.entries) {
            if (e.negative || e.pending) {
                continue;
            }
            if (!selectsSomething(table, e, list)) {
                out = out.without(e);
            }
        }
        return out.hasPositive() ? out : FilterList.EMPTY;
    }

    private static boolean selectsSomething(FunctionTable table, FilterList.Entry e, FilterList list) {
        for (ClassRecord c : table.classes()) {
            if (!e.mayMatchClass(c.name)) {
                continue;
            }
            for (MethodRecord m : c.methods()) {
                if (e.matches(m) && list.contains(m)) {
                    return true;
                }
            }
        }
        return false;
    }
}
