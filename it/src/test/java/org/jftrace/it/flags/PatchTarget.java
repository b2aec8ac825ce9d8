package org.jftrace.it.flags;

import org.apache.commons.lang3.StringUtils;

/**
 * A program using a third-party library as programs do: it capitalizes a word every 50 ms and
 * prints the result, until killed (or a minute passes). The live-patch test attaches to it.
 */
public final class PatchTarget {
    private PatchTarget() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            System.out.println("cap=" + StringUtils.capitalize("hello"));
            Thread.sleep(50);
        }
    }
}
