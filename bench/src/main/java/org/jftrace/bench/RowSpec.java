package org.jftrace.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link RunBenchmarks} knows of one per-call row: its name in the tables, its place and
 * baseline ({@link Section}), the forks it needs ({@link Fork}), the JMH benchmark that measures it
 * ({@code variant}: the value of {@link HookRow}'s parameter, or null) and its targets.
 *
 * <p>Rows are declared in one place each: a hook row is a constant of {@link Variant}, a row with a
 * class of its own a constant of {@link SoloRow}. The row's name is the constant's name in lower
 * camel case ({@code THREE_OPS_GUARDED}: {@code threeOpsGuarded}). Host-side code: no jftrace type.
 */
record RowSpec(String name, Section section, Fork fork, String benchmark, String variant, List<Check> checks) {

    /**
     * The groups of the per-call table, in the table's order, each with the baseline its rows are
     * compared with. Within a section the {@link SoloRow} rows come first, then the {@link Variant}
     * rows, each in declaration order. Rows over {@code noHook} are also compared with {@code limit}.
     */
    enum Section {
        /** The no-hook baseline. */
        BASELINE("noHook"),
        /** The hand-written entry hooks, not hooked by jftrace. */
        LIMITS("noHook"),
        /** Empty callbacks, RECURSION_SAFE or guarded; unregistered. */
        HOOKS("noHook"),
        /** Exit hooks (entry and return handlers) and their hand-written limits. */
        EXITS("noHook"),
        /** The tracers (function, function_graph, profiler) and the hand-written clock limits. */
        TRACERS("noHook"),
        /** A boot-class JDK method (static-call hook kind). */
        BOOT("bootNoHook"),
        /** SAVE_REGS callbacks. */
        SAVE_REGS("noHook"),
        /** IPMODIFY redirects and their limit, the direct call of the replacement. */
        REDIRECT("noHook"),
        /** PER_CPU ops. */
        PER_CPU("noHook"),
        /** Other instrumentation in forks without jftrace (Byte Buddy, JFR). */
        PEERS("noHook"),
        /** A method recursing 8 deep: 9 hooked entries per call. */
        RECURSIVE("recNoHook");

        final String baseline;

        Section(String baseline) {
            this.baseline = baseline;
        }

        /** {@return true if the table also divides this section's rows by row limit} */
        boolean vsLimit() {
            return baseline.equals("noHook");
        }
    }

    /** The forks a row needs. */
    enum Fork {
        /** With the jftrace agent, on every JDK. */
        AGENT(17),
        /** Without the jftrace agent (a peer row), on every JDK. */
        NO_AGENT(17),
        /** Without the jftrace agent, on JDK 25+ only (JFR method tracing). */
        NO_AGENT_JDK25(25);

        final int minJdk;

        Fork(int minJdk) {
            this.minJdk = minJdk;
        }

        boolean agent() {
            return this == AGENT;
        }
    }

    RowSpec {
        checks = List.copyOf(checks);
    }

    /** {@return every row, in the table's order} */
    static List<RowSpec> catalog() {
        List<RowSpec> all = new ArrayList<>();
        for (Section s : Section.values()) {
            for (SoloRow r : SoloRow.values()) {
                if (r.section == s) {
                    all.add(r.spec());
                }
            }
            for (Variant v : Variant.values()) {
                if (v.section == s) {
                    all.add(v.spec());
                }
            }
        }
        return all;
    }

    /** {@return true if this JVM can run the row} */
    boolean runsOn(int jdkFeature) {
        return jdkFeature >= fork.minJdk;
    }

    /** {@return {@code THREE_OPS_GUARDED} as {@code threeOpsGuarded}} */
    static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
            s.append(s.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return s.toString();
    }
}
