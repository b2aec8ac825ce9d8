package org.jftrace;

import java.util.Set;

/**
 * One line of {@code enabled_functions}: a method that carries a hook now, how many ops are
 * enabled on it and the union of their flags.
 *
 * @param function the hooked method
 * @param opsCount number of registered ops enabled on it
 * @param flags    union of those ops' flags, unmodifiable
 * @param directTo the replacement the method is linked to straight (a lone {@link RedirectFunc}), else null
 */
public record EnabledFunction(FunctionInfo function, int opsCount, Set<FtraceOps.Flag> flags, FunctionInfo directTo) {

    /** A line without a direct link. */
    public EnabledFunction(FunctionInfo function, int opsCount, Set<FtraceOps.Flag> flags) {
        this(function, opsCount, flags, null);
    }

    /**
     * {@return the line as the kernel prints it: {@code name(params) (count) R I}, and for a direct
     * link {@code D} and a tab, {@code direct-->} and the replacement (the kernel's direct trampolines)}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(function.signature()).append(" (").append(opsCount).append(')');
        if (flags.contains(FtraceOps.Flag.SAVE_REGS)) {
            sb.append(" R");
        }
        if (flags.contains(FtraceOps.Flag.IPMODIFY)) {
            sb.append(" I");
        }
        if (directTo != null) {
            sb.append(" D\tdirect-->").append(directTo.signature());
        }
        return sb.toString();
    }
}
