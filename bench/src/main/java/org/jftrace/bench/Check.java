package org.jftrace.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A target of the summary: one line "MET" or "MISSED" under the per-call table, carried by the row it
 * judges ({@link Variant}, {@link SoloRow}). {@link RunBenchmarks} prints every row's targets in the
 * table's order, then every row's {@link #ZERO_ALLOC} line. A target whose rows did not all run is
 * left out. Host-side code: no jftrace type.
 */
sealed interface Check {
    /** One measured row: ns per call, its 99.9% error half-width, gc.alloc.rate.norm in B/op. */
    record Score(String name, double ns, double error, double alloc) {
    }

    /** The row allocates nothing per call once compiled: gc.alloc.rate.norm rounds to 0 B/op. */
    Check ZERO_ALLOC = new ZeroAlloc();

    /** {@return the line for row {@code row}, or null if a row it compares did not run} */
    String line(String row, Map<String, Score> all);

    /** {@return the other rows this target compares its row with} */
    List<String> compares();

    /** {@code row - base <= bound} ns. */
    static Check delta(String base, double bound, String what) {
        return new Delta(base, bound, what);
    }

    /** {@code row / base <= bound}, and whether the two 99.9% intervals overlap. */
    static Check sameCost(String base, double bound, String what) {
        return new SameCost(base, bound, what);
    }

    /** {@code row / base <= bound}; {@code what} says what the bound means. */
    static Check ratio(String base, double bound, String what) {
        return new Ratio(base, bound, what);
    }

    /** {@code ours - oursBase <= share * (row - base)}: a jftrace row against a peer row, each over its own baseline. */
    static Check share(String ours, String oursBase, String base, double share, String what) {
        return new Share(ours, oursBase, base, share, what);
    }

    record Delta(String base, double bound, String what) implements Check {
        @Override
        public List<String> compares() {
            return List.of(base);
        }

        @Override
        public String line(String row, Map<String, Score> all) {
            Score r = all.get(row);
            Score b = all.get(base);
            if (r == null || b == null) {
                return null;
            }
            double delta = r.ns() - b.ns();
            return verdict(delta <= bound) + what + ": " + row + " - " + base + " = " + fmt("%.3f", delta) + " ns (bound "
                    + bound + " ns)";
        }
    }

    record SameCost(String base, double bound, String what) implements Check {
        @Override
        public List<String> compares() {
            return List.of(base);
        }

        @Override
        public String line(String row, Map<String, Score> all) {
            Score r = all.get(row);
            Score b = all.get(base);
            if (r == null || b == null) {
                return null;
            }
            double ratio = r.ns() / b.ns();
            boolean overlap = Math.abs(r.ns() - b.ns()) <= r.error() + b.error();
            return verdict(ratio <= bound) + what + ": ratio " + fmt("%.3f", ratio) + " (bound " + bound
                    + "; the two 99.9% intervals " + (overlap ? "overlap" : "do not overlap") + ")";
        }
    }

    record Ratio(String base, double bound, String what) implements Check {
        @Override
        public List<String> compares() {
            return List.of(base);
        }

        @Override
        public String line(String row, Map<String, Score> all) {
            Score r = all.get(row);
            Score b = all.get(base);
            if (r == null || b == null) {
                return null;
            }
            double ratio = r.ns() / b.ns();
            return verdict(ratio <= bound) + what + ": " + row + " / " + base + " = " + fmt("%.3f", ratio) + " (bound "
                    + bound + ")";
        }
    }

    record Share(String ours, String oursBase, String base, double share, String what) implements Check {
        @Override
        public List<String> compares() {
            return List.of(ours, oursBase, base);
        }

        @Override
        public String line(String row, Map<String, Score> all) {
            Score o = all.get(ours);
            Score ob = all.get(oursBase);
            Score r = all.get(row);
            Score b = all.get(base);
            if (o == null || ob == null || r == null || b == null) {
                return null;
            }
            double oursDelta = o.ns() - ob.ns();
            double theirs = r.ns() - b.ns();
            return verdict(oursDelta <= theirs * share) + what + ": " + ours + " - " + oursBase + " = "
                    + fmt("%.3f", oursDelta) + " ns, " + row + " - " + base + " = " + fmt("%.3f", theirs) + " ns";
        }
    }

    record ZeroAlloc() implements Check {
        @Override
        public List<String> compares() {
            return List.of();
        }

        @Override
        public String line(String row, Map<String, Score> all) {
            Score r = all.get(row);
            if (r == null) {
                return null;
            }
            return verdict(r.alloc() < 0.5) + row + " allocates 0 B/op: gc.alloc.rate.norm = " + fmt("%.3f", r.alloc())
                    + " B/op (bound: < 0.5, i.e. 0 once rounded)";
        }
    }

    private static String verdict(boolean met) {
        return "  " + (met ? "MET   " : "MISSED") + " ";
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
