package org.jftrace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jftrace.internal.api.BackendHolder;

/**
 * Live patching on IPMODIFY (what kernel live patches do with ftrace): replaces a method by another
 * in the running JVM, until {@link #undo()}. The replacement gets the same arguments and its
 * result or exception is what callers get; for an instance method it is an instance method of a
 * compatible type or a static method that takes the receiver first.
 *
 * <pre>{@code
 * LivePatch p = LivePatch.replace("com.acme.Prices.discount(int)", "com.acme.fix.Prices2.discount(com.acme.Prices,int)");
 * ...
 * p.undo();
 * }</pre>
 * From outside the JVM: {@code java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]}.
 *
 * <p>The patch is an IPMODIFY ops whose callback is a {@link RedirectFunc}: while it is the only ops
 * on the method, the method is linked straight to the replacement (no callback per call).
 */
public final class LivePatch {
    private static final Map<Long, LivePatch> ACTIVE = new LinkedHashMap<>();

    private final String target;
    private final String replacement;
    private final long targetIp;
    private final FtraceOps ops;

    private LivePatch(String target, String replacement, long targetIp, FtraceOps ops) {
        this.target = target;
        this.replacement = replacement;
        this.targetIp = targetIp;
        this.ops = ops;
    }

    /**
     * Replaces method {@code target} by {@code replacement} (names as {@link Ftrace#lookupIp} takes
     * them, with a parameter list where overloads exist). {@return the patch, to undo it}
     *
     * @throws FtraceException ENOENT if a method is not found; EINVAL if the replacement does not
     *                         fit (signature, constructor) or a name is ambiguous; EBUSY if the
     *                         target is already patched or redirected by another IPMODIFY ops
     */
    public static LivePatch replace(String target, String replacement) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(replacement, "replacement");
        long t = Ftrace.lookupIp(target);
        long r = Ftrace.lookupIp(replacement);
        synchronized (ACTIVE) {
            LivePatch existing = ACTIVE.get(t);
            if (existing != null) {
                throw new FtraceException(Errno.EBUSY, target + " is already patched (by " + existing.replacement
                        + "); undo that patch first");
            }
            BackendHolder.get().checkReplacement(t, r);
            FtraceOps ops = FtraceOps.of(RedirectFunc.to(r))
                    .withFlags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.RECURSION_SAFE)
                    .withName("livepatch " + target + " -> " + replacement);
            Ftrace.ftraceSetFilterIp(ops, t, false, true);
            Ftrace.registerFtraceFunction(ops);
            LivePatch p = new LivePatch(target, replacement, t, ops);
            ACTIVE.put(t, p);
            return p;
        }
    }

    /** Undoes the patch of method {@code target}. {@return whether there was one} */
    public static boolean undo(String target) {
        long t = Ftrace.lookupIp(target);
        LivePatch p;
        synchronized (ACTIVE) {
            p = ACTIVE.get(t);
        }
        if (p == null) {
            return false;
        }
        p.undo();
        return true;
    }

    /** {@return the patches in force, oldest first} */
    public static List<LivePatch> active() {
        synchronized (ACTIVE) {
            return new ArrayList<>(ACTIVE.values());
        }
    }

    /** Takes the patch off: when it returns, no call runs the replacement any more. Idempotent. */
    public void undo() {
        synchronized (ACTIVE) {
            if (ACTIVE.get(targetIp) != this) {
                return;
            }
            Ftrace.unregisterFtraceFunction(ops);
            ACTIVE.remove(targetIp);
        }
    }

    /** {@return the patched method's name, as given} */
    public String target() {
        return target;
    }

    /** {@return the replacement's name, as given} */
    public String replacement() {
        return replacement;
    }

    @Override
    public String toString() {
        return target + " -> " + replacement;
    }
}
