package org.jftrace.it.install;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * An agent that records the bytes offered to its retransform-capable transformer for the class
 * named {@link #watched}, and changes nothing. Loaded twice around jftrace
 * ({@code -javaagent:capture.jar=pre -javaagent:jftrace -javaagent:capture.jar=post}): transformers
 * run in the order they were added, so {@link #PRE} sees what jftrace is offered and {@link #POST}
 * sees what jftrace produced.
 */
public final class CaptureAgent {
    /** One recording transformer's last capture. */
    public static final class Slot {
        /** The bytes last offered for {@link #watched}, or null. */
        public volatile byte[] last;
        /** How many times bytes were recorded. */
        public volatile int seen;
        /** Whether this agent was loaded. */
        public volatile boolean loaded;
    }

    /** The transformer added before jftrace's. */
    public static final Slot PRE = new Slot();
    /** The transformer added after jftrace's. */
    public static final Slot POST = new Slot();
    /** An Instrumentation of this agent, for the target to retransform with. */
    public static volatile Instrumentation inst;
    /** Internal name of the class whose bytes are recorded. */
    public static volatile String watched;

    private CaptureAgent() {
    }

    /** {@code options}: {@code pre} or {@code post} (the default). */
    public static void premain(String options, Instrumentation instrumentation) {
        inst = instrumentation;
        Slot slot = "pre".equals(options) ? PRE : POST;
        slot.loaded = true;
        instrumentation.addTransformer(new Recorder(slot), true);
    }

    private static final class Recorder implements ClassFileTransformer {
        private final Slot slot;

        Recorder(Slot slot) {
            this.slot = slot;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain pd, byte[] bytes) {
            String w = watched;
            if (w != null && w.equals(className)) {
                slot.last = bytes.clone();
                slot.seen++;
            }
            return null;
        }
    }
}
