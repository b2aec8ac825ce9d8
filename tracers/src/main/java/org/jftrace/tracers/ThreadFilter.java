package org.jftrace.tracers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jftrace.Errno;
import org.jftrace.FtraceException;

/**
 * The JVM's {@code set_ftrace_pid}: trace only some threads, by id and/or by name (globs), and with
 * the kernel's {@code function-fork} option the threads they start, virtual ones included.
 * Immutable; a tracer holds one (or none: every thread) and changes it by swapping it whole.
 *
 * <p>Per traced call ({@link #traced()}), allocation-free: a binary search of the ids, then each
 * name glob on {@link Thread#getName()}. With function-fork, first a read of an
 * {@link InheritableThreadLocal} of this filter's own: a thread that passed the filter sets it
 * (once), and threads created afterwards by it inherit it at creation (platform threads and, by
 * default, virtual ones), so they pass too, and so on down. As the kernel's fork, it follows
 * creation: a thread joins once it made a traced call, and only threads it creates after that
 * follow it. The first check on a thread allocates its thread-local entry, once.
 */
public final class ThreadFilter {
    private final long[] tids;
    private final ThreadGlob[] names;
    private final boolean fork;
    /** This filter's mark, inherited by the threads a traced thread creates (function-fork). */
    private final InheritableThreadLocal<Boolean> forked = new InheritableThreadLocal<>();

    private ThreadFilter(long[] tids, ThreadGlob[] names, boolean fork) {
        this.tids = tids;
        this.names = names;
        this.fork = fork;
    }

    /**
     * {@return a filter on these thread ids and name globs}
     *
     * @param tids  thread ids ({@code Thread.getId()}, as the traces print them)
     * @param names thread name globs ({@code *}, {@code ?}, {@code [...]})
     * @param fork  function-fork: threads a traced thread creates are traced too
     * @throws FtraceException EINVAL when there is neither an id nor a name (no filter is
     *                         {@code null}, every thread), for an id below 1, or a bad glob
     */
    public static ThreadFilter of(List<Long> tids, List<String> names, boolean fork) {
        if (tids.isEmpty() && names.isEmpty()) {
            throw new FtraceException(Errno.EINVAL, "a thread filter needs a thread id or a name glob: to trace every "
                    + "thread, set no filter (null)");
        }
        long[] t = new long[tids.size()];
        for (int i = 0; i < t.length; i++) {
            long id = Objects.requireNonNull(tids.get(i), "tid");
            if (id < 1) {
                throw new FtraceException(Errno.EINVAL, "thread id " + id + " is not a Java thread id: give ids of 1 "
                        + "or more (Thread.getId(), as the trace's TASK-TID column shows)");
            }
            t[i] = id;
        }
        Arrays.sort(t);
        ThreadGlob[] g = new ThreadGlob[names.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = new ThreadGlob(names.get(i));
        }
        return new ThreadFilter(t, g, fork);
    }

    /**
     * {@return the filter written as {@code set_ftrace_pid} takes it, extended for the JVM: words
     * separated by blanks or commas, each a thread id (digits) or a thread name glob}
     *
     * @throws FtraceException EINVAL for an empty text or a bad glob
     */
    public static ThreadFilter parse(String text, boolean fork) {
        List<Long> t = new ArrayList<>();
        List<String> n = new ArrayList<>();
        for (String w : (text == null ? "" : text.strip()).split("[\\s,]+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (w.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    t.add(Long.parseLong(w));
                } catch (NumberFormatException e) {
                    throw new FtraceException(Errno.EINVAL, "thread id " + w + " is too large: give a Java thread id");
                }
            } else {
                n.add(w);
            }
        }
        return of(t, n, fork);
    }

    /** {@return whether the current thread is traced}; allocation-free after a thread's first call */
    public boolean traced() {
        if (fork && forked.get() != null) {
            return true;
        }
        final Thread t = Thread.currentThread();
        if (selected(t)) {
            if (fork) {
                forked.set(Boolean.TRUE); // the threads it creates from now on inherit it
            }
            return true;
        }
        return false;
    }

    private boolean selected(Thread t) {
        @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() returns the same id
        final long tid = t.getId();
        if (tids.length > 0 && Arrays.binarySearch(tids, tid) >= 0) {
            return true;
        }
        final ThreadGlob[] g = names;
        if (g.length > 0) {
            final String name = t.getName();
            for (ThreadGlob glob : g) {
                if (glob.matches(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@return function-fork} */
    public boolean fork() {
        return fork;
    }

    /** {@return the thread ids, sorted} */
    public List<Long> tids() {
        return Arrays.stream(tids).boxed().toList();
    }

    /** {@return the name globs} */
    public List<String> names() {
        return Arrays.stream(names).map(ThreadGlob::glob).toList();
    }

    /** {@return the filter as {@link #parse} reads it, ids first} */
    @Override
    public String toString() {
        return Arrays.stream(tids).mapToObj(Long::toString).collect(Collectors.joining(" "))
                + (tids.length > 0 && names.length > 0 ? " " : "") + String.join(" ", names());
    }
}
