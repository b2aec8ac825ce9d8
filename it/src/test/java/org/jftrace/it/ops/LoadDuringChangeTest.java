package org.jftrace.it.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jftrace.Ftrace;
import org.jftrace.FtraceOps;
import org.jftrace.it.ItSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class that no registered pattern can match loads without waiting for a hook change in
 * progress: the transformer decides it from a published snapshot, not under the ops list's lock.
 * A register on every method of java.util retransforms hundreds of classes; meanwhile another thread
 * defines classes of its own in a loop, and none of its loads is held up for the change's duration.
 */
class LoadDuringChangeTest {
    private static final AtomicLong SEQ = new AtomicLong();

    private static byte[] generated(String internalName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internalName, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()I", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void classLoadsAreNotHeldUpByALargeChange() throws Exception {
        List<Long> loads = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread loader = new Thread(() -> {
            while (!stop.get()) {
                String name = "org.jftrace.it.ops.gen.Load" + SEQ.incrementAndGet();
                try {
                    new ItSupport.SingleClassLoader(name, generated(name.replace('.', '/')),
                            LoadDuringChangeTest.class.getClassLoader()).loadClass(name).getMethod("run").invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                synchronized (loads) {
                    loads.add(System.nanoTime());
                }
            }
        }, "loader");
        FtraceOps ops = FtraceOps.of((ip, parentIp, op, regs) -> { }).withFlags(FtraceOps.Flag.RECURSION_SAFE);
        Ftrace.ftraceSetFilter(ops, "java.util.*", false);
        loader.start();
        long start;
        long end;
        try {
            Thread.sleep(200); // the loader is in its stride
            start = System.nanoTime();
            Ftrace.registerFtraceFunction(ops);
            end = System.nanoTime();
        } finally {
            stop.set(true);
            loader.join(60_000);
            if (Ftrace.isRegistered(ops)) {
                Ftrace.unregisterFtraceFunction(ops);
            }
        }
        long change = end - start;
        Assumptions.assumeTrue(change > 200_000_000L, "the change took only " + change / 1_000_000 + " ms: too short to tell");
        long maxGap = 0;
        int during = 0;
        long last = start;
        synchronized (loads) {
            for (long t : loads) {
                if (t > start && t < end) {
                    maxGap = Math.max(maxGap, t - last);
                    last = t;
                    during++;
                }
            }
        }
        maxGap = Math.max(maxGap, end - last);
        if (Boolean.getBoolean("jftrace.it.gaps")) {
            synchronized (loads) {
                long prev = start;
                StringBuilder sb = new StringBuilder();
                for (long t : loads) {
                    if (t > start && t < end) {
                        if (t - prev > 20_000_000L) {
                            sb.append(" @").append((prev - start) / 1_000_000).append("ms+").append((t - prev) / 1_000_000);
                        }
                        prev = t;
                    }
                }
                System.out.println("[LoadDuringChangeTest] gaps over 20 ms:" + sb + " backend " + org.jftrace.internal.api.BackendHolder.get().getClass());
            }
        }
        String figures = "register of java.util.* took " + change / 1_000_000 + " ms; " + during
                + " classes loaded meanwhile, longest wait between two " + maxGap / 1_000_000 + " ms";
        System.out.println("[LoadDuringChangeTest] " + figures);
        assertTrue(during >= 10, figures);
        assertTrue(maxGap < change / 2, "class loads waited for the change: " + figures);
    }
}
