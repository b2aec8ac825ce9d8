package org.jftrace.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The IPMODIFY replacement of {@link TargetIpModify#compute}: static, the receiver first, the same
 * arithmetic except the last operation ({@code - b} instead of {@code + b}), so that a set-up can
 * tell from the result which body ran. Row ipModify reaches it through the redirect, row ipDirect
 * calls it directly.
 */
public final class IpReplacement {
    /** The function name as jftrace's lookupIp spells it. */
    public static final String METHOD = "org.jftrace.bench.IpReplacement.compute(org.jftrace.bench.TargetIpModify,int,int)";

    private IpReplacement() {
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public static int compute(TargetIpModify self, int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) - b;
    }
}
