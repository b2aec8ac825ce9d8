package org.jftrace.sample;

import java.util.HashMap;
import java.util.Map;

/** A tiny stock keeper: the user class the sample traces. */
public final class Inventory {
    private final Map<String, Integer> stock = new HashMap<>();

    /** Adds {@code count} items of {@code item}; returns the new count. */
    public int add(String item, int count) {
        Integer old = stock.get(item);
        int now = (old == null ? 0 : old) + count;
        stock.put(item, now);
        return now;
    }

    /** {@return the count of {@code item}} */
    public int count(String item) {
        Integer n = stock.get(item);
        return n == null ? 0 : n;
    }
}
