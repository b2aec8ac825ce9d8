package org.jftrace.it.tracers;

import java.util.HashMap;
import java.util.Map;

/** The traced program of the JVM tests: a known call tree, {@code run -> step -> HashMap.put}. */
public final class Workload {
    private Workload() {
    }

    /** Calls {@link #step} {@code n} times. */
    public static int run(Map<Integer, Integer> map, int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += step(map, i);
        }
        return sum;
    }

    /** One {@code HashMap.put}. */
    public static int step(Map<Integer, Integer> map, int i) {
        map.put(i, i * 2);
        return map.size();
    }

    static Map<Integer, Integer> newMap() {
        return new HashMap<>();
    }
}
