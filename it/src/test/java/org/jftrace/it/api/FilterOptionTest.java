package org.jftrace.it.api;

import static org.jftrace.it.api.ApiSupport.expectErrno;
import static org.jftrace.it.api.ApiSupport.hooked;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jftrace.Errno;
import org.jftrace.FilterOption;
import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.it.ItSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The FilterOption overloads do what the kernel's boolean signatures do: the same scenario runs
 * through both forms and must hook and call the same methods.
 */
class FilterOptionTest {

    /** The traced targets (an application class: invokedynamic hooks). */
    static final class Lamp {
        static int on(int n) {
            return n + 1;
        }

        static int off(int n) {
            return n - 1;
        }

        static int dim(int n) {
            return n / 2;
        }
    }

    static final String PREFIX = "org.jftrace.it.api.FilterOptionTest$Lamp.";
    static final String ON = PREFIX + "on";
    static final String OFF = PREFIX + "off";
    static final String DIM = PREFIX + "dim";

    /** The two ways of calling the filter functions. */
    enum Form {
        BOOLEANS {
            @Override
            void filter(FtraceOps ops, String glob, boolean reset, boolean pending) {
                if (pending) {
                    Ftrace.ftraceSetFilterPending(ops, glob, reset);
                } else {
                    Ftrace.ftraceSetFilter(ops, glob, reset);
                }
            }

            @Override
            void notrace(FtraceOps ops, String glob, boolean reset) {
                Ftrace.ftraceSetNotrace(ops, glob, reset);
            }

            @Override
            void filterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
                Ftrace.ftraceSetFilterIp(ops, ip, remove, reset);
            }
        },
        OPTIONS {
            @Override
            void filter(FtraceOps ops, String glob, boolean reset, boolean pending) {
                Ftrace.ftraceSetFilter(ops, glob, options(reset ? FilterOption.RESET : null,
                        pending ? FilterOption.PENDING : null));
            }

            @Override
            void notrace(FtraceOps ops, String glob, boolean reset) {
                Ftrace.ftraceSetNotrace(ops, glob, options(reset ? FilterOption.RESET : null));
            }

            @Override
            void filterIp(FtraceOps ops, long ip, boolean remove, boolean reset) {
                Ftrace.ftraceSetFilterIp(ops, ip, options(remove ? FilterOption.REMOVE : null,
                        reset ? FilterOption.RESET : null));
            }
        };

        abstract void filter(FtraceOps ops, String glob, boolean reset, boolean pending);

        abstract void notrace(FtraceOps ops, String glob, boolean reset);

        abstract void filterIp(FtraceOps ops, long ip, boolean remove, boolean reset);

        private static FilterOption[] options(FilterOption... maybe) {
            List<FilterOption> out = new ArrayList<>();
            for (FilterOption o : maybe) {
                if (o != null) {
                    out.add(o);
                }
            }
            return out.toArray(new FilterOption[0]);
        }
    }

    private final List<FtraceOps> cleanup = new ArrayList<>();
    private final Queue<Long> ips = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void load() {
        Lamp.on(0);
        Lamp.off(0);
        Lamp.dim(0);
    }

    @AfterEach
    void unregisterAll() {
        ItSupport.unregisterQuietly(cleanup);
    }

    private FtraceOps registered() {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> ips.add(ip));
        cleanup.add(ops);
        return ops;
    }

    /** Calls every target once and {@return the names of the methods whose callback ran}, then forgets them. */
    private List<String> callAll() {
        ips.clear();
        Lamp.on(1);
        Lamp.off(1);
        Lamp.dim(1);
        List<String> out = new ArrayList<>();
        for (long ip : ips) {
            out.add(Ftrace.lookup(ip).map(FunctionInfo::name).orElse("?"));
        }
        ips.clear();
        return out;
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    // RESET clears the filter first, without it patterns add up
    void resetClearsTheFilterFirst(Form form) {
        FtraceOps ops = registered();
        form.filter(ops, ON, false, false);
        Ftrace.registerFtraceFunction(ops);
        form.filter(ops, OFF, false, false);
        assertEquals(List.of(ON, OFF), callAll());
        form.filter(ops, DIM, true, false);
        assertEquals(List.of(DIM), callAll());
        assertEquals(Set.of(DIM), hooked(PREFIX));
        // notrace: without RESET it adds up, with RESET it clears the notrace list (only) first
        form.notrace(ops, DIM, false);
        assertEquals(List.of(), callAll());
        form.notrace(ops, OFF, true);
        assertEquals(List.of(DIM), callAll(), "the notrace list is OFF alone; the filter is still DIM");
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    // PENDING keeps a pattern that matches nothing loaded; without it that is EINVAL and changes nothing
    void pendingKeepsAnUnmatchedPattern(Form form) {
        FtraceOps ops = registered();
        form.filter(ops, ON, false, false);
        Ftrace.registerFtraceFunction(ops);
        expectErrno(Errno.EINVAL, () -> form.filter(ops, PREFIX + "notYet", true, false));
        assertEquals(List.of(ON), callAll(), "the refused RESET changed nothing");
        form.filter(ops, PREFIX + "notYet", true, true);
        assertEquals(List.of(), callAll(), "a pending-only filter selects nothing");
        assertEquals(Set.of(), hooked(PREFIX));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    // REMOVE takes one ip out; removing one that is not there is ENOENT; RESET clears first
    void removeTakesAnIpOut(Form form) {
        FtraceOps ops = registered();
        long on = Ftrace.lookupIp(ON);
        long off = Ftrace.lookupIp(OFF);
        long dim = Ftrace.lookupIp(DIM);
        form.filterIp(ops, on, false, false);
        form.filterIp(ops, off, false, false);
        Ftrace.registerFtraceFunction(ops);
        assertEquals(List.of(ON, OFF), callAll());
        form.filterIp(ops, on, true, false);
        assertEquals(List.of(OFF), callAll());
        expectErrno(Errno.ENOENT, () -> form.filterIp(ops, on, true, false));
        form.filterIp(ops, dim, false, true);
        assertEquals(List.of(DIM), callAll());
        assertEquals(Set.of(DIM), hooked(PREFIX));
    }
}
