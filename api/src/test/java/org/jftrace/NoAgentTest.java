package org.jftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Without the agent (this unit-test JVM has none) every API call is ENODEV, and leaves the ops without state. */
class NoAgentTest {

    private static FtraceException expectEnodev(Executable call) {
        FtraceException e = assertThrows(FtraceException.class, call);
        assertEquals(Errno.ENODEV, e.errno(), e::getMessage);
        return e;
    }

    @Test
    // every public static method of Ftrace but isInstalled throws ENODEV, whatever its arguments
    void everyFtraceCallIsEnodev() throws Exception {
        assertFalse(Ftrace.isInstalled());
        Set<String> called = new TreeSet<>();
        for (Method m : Ftrace.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() != Ftrace.class
                    || m.getName().equals("isInstalled")) {
                continue;
            }
            FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
            Object[] args = argumentsFor(m, ops);
            try {
                m.invoke(null, args);
                fail(m + " returned without the agent");
            } catch (InvocationTargetException e) {
                FtraceException fe = assertInstanceOf(FtraceException.class, e.getCause(), m.toString());
                assertEquals(Errno.ENODEV, fe.errno(), m + ": " + fe.getMessage());
                assertTrue(fe.getMessage().contains("java -jar jftrace-agent.jar PID"), fe.getMessage());
            }
            // ENODEV gave the ops no state: it can still be copied
            ops.withFlags(FtraceOps.Flag.RECURSION_SAFE);
            called.add(m.getName());
        }
        assertEquals(new TreeSet<>(Set.of("registerFtraceFunction", "register", "unregisterFtraceFunction",
                "ftraceSetFilter", "ftraceSetFilterPending", "ftraceSetNotrace", "ftraceSetNotracePending",
                "ftraceSetFilterIp", "ftraceFunctionLocalEnable", "ftraceFunctionLocalDisable", "isRegistered",
                "callbackErrors", "lookup", "lookupIp", "checkRedirect", "availableFilterFunctions",
                "enabledFunctions", "registerFgraph", "unregisterFgraph", "ftraceTestRecursionTrylock",
                "ftraceTestRecursionUnlock")), called);
    }

    private static Object[] argumentsFor(Method m, FtraceOps ops) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == FtraceOps.class) {
                args[i] = ops;
            } else if (t == FgraphOps.class) {
                args[i] = FgraphOps.of((ip, parentIp, depth, g) -> 0L, (ip, data, depth, exit, value, bits, g) -> { });
            } else if (t == String.class) {
                args[i] = "java.util.HashMap.get";
            } else if (t == long.class) {
                args[i] = 1L << 16;
            } else if (t == int.class) {
                args[i] = 0;
            } else if (t == boolean.class) {
                args[i] = false;
            } else if (t == FilterOption[].class) {
                args[i] = new FilterOption[0];
            } else {
                throw new AssertionError("no test argument for " + t + " of " + m);
            }
        }
        return args;
    }

    @Test
    // the builder needs the agent only when it has lists to set
    void buildWithPatternsIsEnodevAndWithoutNeedsNoAgent() {
        FtraceFunc f = (ip, parentIp, op, regs) -> { };
        expectEnodev(() -> FtraceOps.builder(f).filter("java.util.HashMap.get").build());
        expectEnodev(() -> FtraceOps.builder(f).filterPending("a.B.c").build());
        expectEnodev(() -> FtraceOps.builder(f).notrace("java.util.HashMap.get").build());
        expectEnodev(() -> FtraceOps.builder(f).filterIp(1L << 16).build());
        FtraceOps plain = FtraceOps.builder(f).name("plain").build();
        assertEquals("plain", plain.name());
        plain.withFlags(FtraceOps.Flag.PER_CPU); // no state: copies allowed
    }

    @Test
    // LivePatch and RedirectFunc.to(name) go through Ftrace, so they are ENODEV too
    void livePatchAndRedirectByNameAreEnodev() {
        expectEnodev(() -> LivePatch.replace("a.B.c", "a.B.d"));
        expectEnodev(() -> LivePatch.undo("a.B.c"));
        expectEnodev(() -> RedirectFunc.to("a.B.d"));
        assertTrue(LivePatch.active().isEmpty());
    }

    @Test
    // a wrong option is refused before anything else, agent or not
    void optionsThatDoNotApplyAreEinval() {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
        FtraceException e = assertThrows(FtraceException.class,
                () -> Ftrace.ftraceSetFilter(ops, "a.B.c", FilterOption.REMOVE));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("'!'"), e.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(FtraceException.class,
                () -> Ftrace.ftraceSetNotrace(ops, "a.B.c", FilterOption.REMOVE)).errno());
        assertEquals(Errno.EINVAL, assertThrows(FtraceException.class,
                () -> Ftrace.ftraceSetFilterIp(ops, 1L << 16, FilterOption.PENDING)).errno());
        assertThrows(NullPointerException.class,
                () -> Ftrace.ftraceSetFilter(ops, "a.B.c", (FilterOption) null));
        // valid options then reach the missing agent
        expectEnodev(() -> Ftrace.ftraceSetFilter(ops, "a.B.c", FilterOption.RESET, FilterOption.PENDING));
        expectEnodev(() -> Ftrace.ftraceSetFilterIp(ops, 1L << 16, FilterOption.REMOVE, FilterOption.RESET));
    }

    @Test
    // null ops is a NullPointerException naming the parameter, before the agent check
    void nullOpsIsNpe() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Ftrace.registerFtraceFunction(null));
        assertEquals("ops", e.getMessage());
        assertThrows(NullPointerException.class, () -> Ftrace.register(null));
        assertThrows(NullPointerException.class, () -> Ftrace.ftraceSetFilter(null, "a.B.c", false));
    }

    @Test
    // FtraceException keeps its cause
    void exceptionWithCause() {
        IllegalStateException cause = new IllegalStateException("x");
        FtraceException e = new FtraceException(Errno.ENODEV, "disabled", cause);
        assertEquals(cause, e.getCause());
        assertEquals("ENODEV: disabled", e.getMessage());
        assertEquals(null, new FtraceException(Errno.EINVAL, "m").getCause());
    }
}
