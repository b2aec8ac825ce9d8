package org.jftrace.tracers.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

import org.jftrace.FunctionInfo;
import org.jftrace.tracers.graph.GraphDuration;

/**
 * The text of {@code trace_stat/function}, the kernel's {@code function_stat_show} layout:
 * <pre>
 *   Function                               Hit    Time            Avg             s^2
 *   --------                               ---    ----            ---             ---
 *   a.B.run                                  10    3045.286 us     304.528 us      12.345 us
 * </pre>
 * Times print as function_graph's durations (microseconds); s^2 is in us^2, printed with the
 * kernel's own {@code " us"} suffix. The function column is as wide as the longest name (at least
 * the kernel's 30), where the kernel cuts names at 30 characters: Java names are longer. Overloads
 * (one name, several rows) print with their parameter lists, which the kernel's C names never need.
 */
public final class ProfileFormat {
    /** The kernel's function column width. */
    static final int NAME_WIDTH = 30;

    private ProfileFormat() {
    }

    /** {@return the table of {@code stats} in their order, after {@code preamble} (may be empty)} */
    public static String table(List<FunctionStat> stats, LongFunction<Optional<FunctionInfo>> resolver, String preamble) {
        String[] names = new String[stats.size()];
        Map<String, Integer> seen = new HashMap<>();
        List<Optional<FunctionInfo>> infos = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            long ip = stats.get(i).ip();
            Optional<FunctionInfo> info = resolver.apply(ip);
            infos.add(info);
            names[i] = info.map(FunctionInfo::name).orElse("0x" + Long.toHexString(ip));
            seen.merge(names[i], 1, Integer::sum);
        }
        int width = NAME_WIDTH;
        for (int i = 0; i < names.length; i++) {
            if (seen.get(names[i]) > 1 && infos.get(i).isPresent()) {
                names[i] += infos.get(i).get().parameters(); // overloads: one row each, told apart
            }
            width = Math.max(width, names[i].length());
        }
        StringBuilder sb = new StringBuilder(preamble);
        String row = "  %-" + width + "s  %10s    %-16s%-16s%s\n";
        sb.append(String.format(row, "Function", "Hit", "Time", "Avg", "s^2"));
        sb.append(String.format(row, "--------", "---", "----", "---", "---"));
        for (int i = 0; i < names.length; i++) {
            FunctionStat s = stats.get(i);
            sb.append(String.format("  %-" + width + "s  %10d    ", names[i], s.hits()));
            GraphDuration.append(sb, s.time());
            sb.append("    ");
            GraphDuration.append(sb, s.average());
            sb.append("    ");
            // ns^2 / 1000: the duration printer divides by 1000 again, so the number is in us^2
            GraphDuration.append(sb, (long) (s.variance() / 1000));
            sb.append('\n');
        }
        return sb.toString();
    }
}
