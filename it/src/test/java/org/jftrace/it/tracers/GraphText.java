package org.jftrace.it.tracers;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jftrace.tracers.graph.GraphDuration;

/**
 * Reads function_graph text back into call trees, per thread, checking each line's layout: the
 * test's independent reading of what {@link org.jftrace.tracers.graph.GraphTraceFormat} printed.
 */
final class GraphText {
    /** {@code  BUF) [TASK-TID | ]DURATION-FIELD|  INDENT TEXT}: the duration field is 14 characters. */
    static final Pattern LINE = Pattern.compile("^ (\\d+)\\) (?:(.{24}) \\| )?(.{14})\\|  ( *)(\\S.*)$");
    static final Pattern DURATION = Pattern.compile("^([ +!#*@$]) (\\d+)(?:\\.(\\d+))? us *$");
    static final Pattern OPEN = Pattern.compile("^(\\S+)\\(\\) \\{$");
    static final Pattern LEAF = Pattern.compile("^(\\S+)\\(\\);(?: /\\* (\\S+) threw (\\S+) \\*/)?$");
    static final Pattern CLOSE = Pattern.compile("^\\}(?: /\\* (\\S+)(?: threw (\\S+))? \\*/)?$");

    /** A call as printed: name, duration in ns, the exception it threw or null, its callees. */
    static final class Node {
        final String name;
        long nanos = -1;
        long slack;
        char mark;
        String threw;
        final List<Node> children = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }

        /** {@code run{leaf;nest{leaf}}}, {@code thrower!IllegalStateException}: the shape, no times. */
        String shape() {
            StringBuilder sb = new StringBuilder(name.substring(name.lastIndexOf('.') + 1));
            if (threw != null) {
                sb.append('!').append(threw.substring(threw.lastIndexOf('.') + 1));
            }
            if (!children.isEmpty()) {
                sb.append('{');
                for (int i = 0; i < children.size(); i++) {
                    sb.append(i > 0 ? ";" : "").append(children.get(i).shape());
                }
                sb.append('}');
            }
            return sb.toString();
        }
    }

    private GraphText() {
    }

    /** {@return per thread (its TASK-TID, or "" without funcgraph-proc), the outermost calls in order} */
    static Map<String, List<Node>> trees(List<String> text, boolean proc) {
        Map<String, List<Node>> roots = new LinkedHashMap<>();
        Map<String, Deque<Node>> open = new LinkedHashMap<>();
        for (String s : text) {
            if (s.startsWith("#") || s.isEmpty() || s.startsWith(" ---") || s.contains(" => ")) {
                continue;
            }
            Matcher m = LINE.matcher(s);
            assertTrue(m.matches(), "not the function_graph line layout: '" + s + "'");
            String task = proc ? m.group(2).trim() : "";
            assertEquals(proc, m.group(2) != null, s);
            Deque<Node> stack = open.computeIfAbsent(task, k -> new ArrayDeque<>());
            List<Node> top = roots.computeIfAbsent(task, k -> new ArrayList<>());
            String body = m.group(5);
            // an exit is at the depth of the call it closes, one less than the calls open
            int depth = body.startsWith("}") ? stack.size() - 1 : stack.size();
            assertEquals(2 * depth, m.group(4).length(), "indent = 2 x depth: '" + s + "'");
            Matcher o = OPEN.matcher(body);
            Matcher l = LEAF.matcher(body);
            Matcher c = CLOSE.matcher(body);
            if (o.matches()) {
                assertTrue(m.group(3).isBlank(), "an entry has no duration: " + s);
                Node n = new Node(o.group(1));
                (stack.isEmpty() ? top : stack.peek().children).add(n);
                stack.push(n);
            } else if (l.matches()) {
                Node n = new Node(l.group(1));
                if (l.group(2) != null) {
                    assertEquals(n.name, l.group(2), s);
                    n.threw = l.group(3);
                }
                duration(n, m.group(3), s);
                (stack.isEmpty() ? top : stack.peek().children).add(n);
            } else {
                assertTrue(c.matches(), "neither entry, leaf nor exit: " + s);
                assertFalse(stack.isEmpty(), "an exit with no open entry: " + s);
                Node n = stack.pop();
                if (c.group(1) != null) {
                    assertEquals(n.name, c.group(1), "the tail comment names the call it closes: " + s);
                }
                n.threw = c.group(2);
                duration(n, m.group(3), s);
            }
        }
        open.forEach((task, stack) -> assertTrue(stack.isEmpty(), task + ": calls left open " + stack.size()));
        return roots;
    }

    private static void duration(Node n, String field, String line) {
        Matcher d = DURATION.matcher(field);
        assertTrue(d.matches(), "duration field '" + field + "' in " + line);
        String frac = d.group(3) == null ? "" : d.group(3);
        long unit = 1000;
        for (int i = 0; i < frac.length(); i++) {
            unit /= 10;
        }
        n.nanos = Long.parseLong(d.group(2)) * 1000 + (frac.isEmpty() ? 0 : Long.parseLong(frac) * unit);
        n.slack = unit; // the printed value is the duration cut to this many ns
        n.mark = d.group(1).charAt(0);
        // the marker is the one the duration (somewhere in [printed, printed + slack)) calls for
        char low = GraphDuration.mark(n.nanos);
        char high = GraphDuration.mark(n.nanos + n.slack - 1);
        assertTrue(n.mark == low || n.mark == high, "marker '" + n.mark + "' for " + n.nanos + " ns: " + line);
    }

    /** Checks every call's duration: present, positive, at least the sum of its callees' (to print precision). */
    static void checkDurations(List<Node> calls) {
        for (Node n : calls) {
            assertTrue(n.nanos > 0, n.name + " has a duration");
            long sum = 0;
            long slack = n.slack;
            for (Node c : n.children) {
                sum += c.nanos;
                slack += c.slack;
            }
            assertTrue(n.nanos + slack >= sum, n.name + ": " + n.nanos + " ns < its callees' " + sum + " ns");
            checkDurations(n.children);
        }
    }

    static String shapes(List<Node> calls) {
        StringBuilder sb = new StringBuilder();
        for (Node n : calls) {
            sb.append(sb.length() > 0 ? " " : "").append(n.shape());
        }
        return sb.toString();
    }
}
