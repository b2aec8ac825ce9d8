package org.jftrace.bench;

/**
 * The IPMODIFY replacement of {@link Target#compute}: static, the receiver first, the same
 * arithmetic except the last operation ({@code - b} instead of {@code + b}), so that a set-up can
 * tell from the result which body ran. Row ipModify reaches it through the redirect, row ipDirect
 * calls it directly.
 *
 * <p>Not marked {@code DONT_INLINE}, as no real replacement is: the JIT may inline it where it is
 * called, into the traced method through the redirect (jftrace's inline cache is built for that)
 * and into row ipDirect's one non-inlined call ({@link IpDirectRow#callReplacement}). Both rows
 * then make exactly one real call per operation, and the replacement's code runs inside it. (Until
 * 2026-11-25 it was {@code DONT_INLINE}: ipModify then made two real calls to ipDirect's one.)
 */
public final class IpReplacement {
    /** The function name as jftrace's lookupIp spells it. */
    public static final String METHOD = "org.jftrace.bench.IpReplacement.compute(org.jftrace.bench.Target,int,int)";

    private IpReplacement() {
    }

    /**
     * The set-up check of the redirect rows: the replacement's result differs from the original's,
     * {@code redirect} (which redirects {@code target.compute}) runs, and the call then returns the
     * replacement's result. {@code details} is added to a failure's message.
     */
    static void checkRedirect(String row, Target target, int a, int b, Runnable redirect,
                              java.util.function.Supplier<String> details) {
        int original = target.compute(a, b);
        int expected = compute(target, a, b);
        Hooking.check(original != expected, row + ": the replacement must differ from the original");
        redirect.run();
        int got = target.compute(a, b);
        Hooking.check(got == expected, row + ": the call was not redirected: got " + got + ", replacement gives "
                + expected + ", original " + original + "; " + details.get());
    }

    public static int compute(Target self, int a, int b) {
        int x = a * 31 + b;
        x ^= x >>> 7;
        return x - (a << 2) - b;
    }
}
