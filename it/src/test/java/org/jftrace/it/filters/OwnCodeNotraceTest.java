package org.jftrace.it.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.FtraceException;
import org.jftrace.FtraceOps;
import org.jftrace.FunctionInfo;
import org.jftrace.internal.pretend.Pretender;
import org.junit.jupiter.api.Test;

/**
 * notrace for jftrace's own code, known by where it was loaded from (the agent jar), whatever the
 * package: jftrace's classes, the API included, can never be hooked (hooking them would recurse),
 * while test code, even in a package named like jftrace's internals, is traced as any other code.
 */
class OwnCodeNotraceTest {
    @Test
    void jftracesOwnClassesCannotBeHooked() {
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { });
        for (String own : new String[] {"org.jftrace.Ftrace.isInstalled", "org.jftrace.FtraceOps.name",
                "org.jftrace.internal.dispatch.ThreadGuard.sweep", "org.jftrace.internal.runtime.CoreBackend.lookup",
                "org.jftrace.internal.filter.ClassMatch.test", "org.jftrace.internal.asm.ClassReader.accept"}) {
            FtraceException e = assertThrows(FtraceException.class, () -> Ftrace.ftraceSetFilter(ops, own, false), own);
            assertEquals(Errno.EINVAL, e.errno(), own);
        }
        for (FunctionInfo f : Ftrace.availableFilterFunctions()) {
            assertTrue(!f.className().startsWith("org.jftrace.internal.dispatch.")
                    && !f.className().startsWith("org.jftrace.internal.runtime.")
                    && !f.className().equals("org.jftrace.Ftrace"), f + " is jftrace's own code, offered as traceable");
        }
    }

    @Test
    void testCodeNamedLikeJftraceIsTraceable() {
        assertEquals(1, Pretender.work(0)); // loaded: a filter matches loaded classes
        AtomicInteger calls = new AtomicInteger();
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> calls.incrementAndGet());
        Ftrace.ftraceSetFilter(ops, "org.jftrace.internal.pretend.Pretender.work", false);
        Ftrace.registerFtraceFunction(ops);
        try {
            assertEquals(3, Pretender.work(2));
            assertEquals(1, calls.get(), "a class of the test class path in org.jftrace.internal.* is hooked");
        } finally {
            Ftrace.unregisterFtraceFunction(ops);
        }
    }
}
