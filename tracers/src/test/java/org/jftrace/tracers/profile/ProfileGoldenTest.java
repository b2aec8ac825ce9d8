package org.jftrace.tracers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Optional;

import org.jftrace.FunctionInfo;
import org.jftrace.tracers.GoldenFiles;
import org.junit.jupiter.api.Test;

/**
 * {@code trace_stat/function} for fixed counts (no agent, a fixed resolver): one golden file per
 * option set: merged (the default), per thread, graph-time off. The layout is the kernel's
 * {@code function_stat_show} (Function, Hit, Time, Avg, s^2, sorted by time); overloads of one name
 * print with their parameter lists.
 */
class ProfileGoldenTest {
    static final long RUN = 1, LEAF = 2, PUT_INT = 3, PUT_STRING = 4, GONE = 5;
    static final long T1 = 101, T2 = 102;

    static Optional<FunctionInfo> resolve(long ip) {
        if (ip == RUN || ip == LEAF) {
            return Optional.of(new FunctionInfo(ip, "com.acme.Orders", ip == RUN ? "run" : "leaf", "()V", "()", "", null, -1, 0));
        }
        if (ip == PUT_INT || ip == PUT_STRING) {
            String desc = ip == PUT_INT ? "(I)V" : "(Ljava/lang/String;)V";
            String params = ip == PUT_INT ? "(int)" : "(java.lang.String)";
            return Optional.of(new FunctionInfo(ip, "com.acme.Cache", "put", desc, params, "", null, -1, 0));
        }
        return Optional.empty();
    }

    /** Calls of known durations (ns) on two threads, two overloads of one name, and an ip that no longer resolves. */
    private static FunctionProfiler counted(FunctionProfiler p) {
        p.add(RUN, T1, 1_000_000);
        p.add(RUN, T1, 1_000_000);
        p.add(RUN, T2, 2_000_000);
        for (int i = 0; i < 10; i++) {
            p.add(LEAF, i % 2 == 0 ? T1 : T2, 1_500 + 100 * i);
        }
        p.add(PUT_INT, T1, 700);
        p.add(PUT_INT, T1, 900);
        p.add(PUT_STRING, T2, 12_345);
        p.add(GONE, T2, 42);
        return p;
    }

    static String golden(String name) throws IOException {
        return GoldenFiles.read(ProfileGoldenTest.class, name);
    }

    @Test
    void mergedByDefault() throws IOException {
        FunctionProfiler p = counted(FunctionProfiler.builder().build());
        assertEquals(golden("merged.txt"), p.traceStat(ProfileGoldenTest::resolve));
    }

    @Test
    void perThread() throws IOException {
        FunctionProfiler p = counted(FunctionProfiler.builder().perThread(true).build());
        assertEquals(golden("thread-101.txt"), p.traceStat(T1, ProfileGoldenTest::resolve));
        assertEquals(golden("thread-102.txt"), p.traceStat(T2, ProfileGoldenTest::resolve));
    }

    @Test
    void graphTimeOff() throws IOException {
        FunctionProfiler p = counted(FunctionProfiler.builder().graphTime(false).build());
        assertEquals(golden("self-time.txt"), p.traceStat(ProfileGoldenTest::resolve));
    }
}
