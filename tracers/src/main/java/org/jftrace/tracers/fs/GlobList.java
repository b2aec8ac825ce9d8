package org.jftrace.tracers.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * The text rules of a filter file ({@code set_ftrace_filter}, {@code set_ftrace_notrace},
 * {@code set_graph_function}, {@code set_graph_notrace}): a write replaces the list, an append
 * adds to it, {@code !glob} takes an entry out (or, when no entry is that glob, is kept as an entry
 * that takes its methods out of the others'), an empty write clears it. Several globs in one write
 * are separated by white space, as in the kernel. A pure function of the old list and the text.
 */
final class GlobList {
    /** What a trigger looks like: {@code func:command[:count]}; {@code :mod:} is a glob's module part. */
    private static final String MOD = "mod:";

    private GlobList() {
    }

    /**
     * {@return the list after writing {@code text}} (a new list; {@code old} is untouched)
     *
     * @param check checks each glob added (EINVAL if malformed or matching nothing)
     * @throws TracefsException EINVAL for a malformed glob or a trigger, naming {@code file}
     */
    static List<String> apply(String file, List<String> old, String text, boolean append, Tracefs.GlobCheck check) {
        List<String> out = append ? new ArrayList<>(old) : new ArrayList<>();
        for (String g : words(text)) {
            int colon = g.indexOf(':');
            if (colon >= 0 && !g.startsWith(MOD, colon + 1)) {
                throw new TracefsException("EINVAL", file, "'" + g + "' is a trigger (func:command[:count]); "
                        + "triggers go to set_ftrace_filter only: write the glob alone here (':mod:NAME' picks a module "
                        + "or jar)");
            }
            if (g.startsWith("!")) {
                String target = g.substring(1);
                if (target.isEmpty()) {
                    throw new TracefsException("EINVAL", file, "'!' alone removes nothing: write !GLOB");
                }
                if (out.remove(target)) {
                    continue;
                }
                check.check(file, target);
                if (!out.contains(g)) {
                    out.add(g);
                }
                continue;
            }
            check.check(file, g);
            if (!out.contains(g)) {
                out.add(g);
            }
        }
        return List.copyOf(out);
    }

    /** {@return the globs of {@code text}, split at white space outside {@code (...)} and {@code [...]}} */
    static List<String> words(String text) {
        List<String> w = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                cur.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            }
            if (Character.isWhitespace(c) && depth == 0) {
                if (cur.length() > 0) {
                    w.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            w.add(cur.toString());
        }
        return w;
    }

    /** {@return the file's text: one entry per line, or the kernel's line for an empty filter} */
    static String show(List<String> list, boolean filter) {
        if (list.isEmpty()) {
            return filter ? "#### all functions enabled ####\n" : "";
        }
        return String.join("\n", list) + "\n";
    }
}
