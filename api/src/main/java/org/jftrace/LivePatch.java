package org.jftrace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>A plain user of the public API: the patch is an IPMODIFY ops whose callback is a
 * {@link RedirectFunc}, checked with {@link Ftrace#checkRedirect}, built with its filter ip by
 * {@link FtraceOps#builder} and registered with {@link Ftrace#register}. While it is the only ops
 * on the method, the method is linked straight to the replacement (no callback per call).
 *
 * <p>The patches in force are kept here, by target: the attach commands {@code unpatch TARGET} and
 * {@code patches} run in a JVM where no code holds the {@code LivePatch} that {@code patch} made, so
 * they find it by the target's name; and a second patch of one target is refused naming the first.
 */
public final class LivePatch {
    /** The patches in force, by target ip, oldest first; guarded by itself. */
    private static final Map<Long, LivePatch> ACTIVE = new LinkedHashMap<>();

    private final String target;
    private final String replacement;
    private final long targetIp;
    private final Registration registration;

    private LivePatch(String target, String replacement, long targetIp, Registration registration) {
        this.target = target;
        this.replacement = replacement;
        this.targetIp = targetIp;
        this.registration = registration;
    }

    /**
     * Replaces method {@code target} by {@code replacement} (names as {@link Ftrace#lookupIp} takes
     * them, with a parameter list where overloads exist).
     *
     * @param target      the method to replace, not {@code null}
     * @param replacement the method that runs instead, not {@code null}
     * @return the patch, to undo it
     * @throws FtraceException ENOENT if a method is not found; EINVAL if the replacement does not
     *                         fit (signature, constructor) or a name is ambiguous; EBUSY if the
     *                         target is already patched or redirected by another IPMODIFY ops;
     *                         ENODEV without the agent
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
            Ftrace.checkRedirect(t, r);
            FtraceOps ops = FtraceOps.builder(RedirectFunc.to(r))
                    .flags(FtraceOps.Flag.SAVE_REGS, FtraceOps.Flag.IPMODIFY, FtraceOps.Flag.RECURSION_SAFE)
                    .name("livepatch " + target + " -> " + replacement)
                    .filterIp(t)
                    .build();
            LivePatch p = new LivePatch(target, replacement, t, Ftrace.register(ops));
            ACTIVE.put(t, p);
            return p;
        }
    }

    /**
     * Undoes the patch of method {@code target}.
     *
     * @param target the patched method's name, not {@code null}
     * @return whether there was one
     * @throws FtraceException ENOENT if no loaded class has such a method; ENODEV without the agent
     */
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
            registration.close();
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
