package org.jftrace.bench;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Set-up helpers of the peer rows (classes {@code *Peer}, other tools for the same work): each runs in its own fork
 * without the jftrace agent, on {@link Target#compute}. They touch no jftrace class (the API is
 * not on the fork's class path).
 */
public final class Peers {
    /** What the Byte Buddy advice writes to, so that its work cannot be dropped. */
    public static long nanos;
    public static long timedCalls;
    public static int argSink;

    private Peers() {
    }

    /** Throws if this fork carries the jftrace agent (peer rows must measure the peer alone). */
    public static void requireNoJftrace() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent") && arg.contains("jftrace")) {
                throw new IllegalStateException("peer row forked with the jftrace agent: " + arg);
            }
        }
        try {
            Class.forName("org.jftrace.Ftrace");
            throw new IllegalStateException("peer row: the jftrace API is on the class path of this fork");
        } catch (ClassNotFoundException expected) {
            // good: no jftrace here
        }
    }

    /** Byte Buddy: advice classes. Inlined into {@link Target#compute} by {@link Advice}. */
    public static final class EmptyAdvice {
        @Advice.OnMethodEnter
        public static void enter() {
            // empty on purpose
        }
    }

    public static final class TimingAdvice {
        @Advice.OnMethodEnter
        public static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter long start) {
            Peers.nanos += System.nanoTime() - start;
            Peers.timedCalls++;
        }
    }

    public static final class ArgsAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.AllArguments Object[] args) {
            Peers.argSink ^= ((Integer) args[0]).intValue() + ((Integer) args[1]).intValue();
        }
    }

    /**
     * Installs Byte Buddy's agent in this JVM (self-attach) and weaves {@code advice} into
     * {@link Target#compute} (retransforming it if it is loaded); throws unless a listener saw
     * the transformation of {@link Target}.
     */
    public static void weave(Class<?> advice) {
        weave(advice, Target.class);
        new Target().compute(1, 2); // loads (and transforms) it if it was not loaded yet
    }

    /** Like {@link #weave(Class)} on {@code compute} of {@code target}, which must be loaded already. */
    public static void weave(Class<?> advice, Class<?> target) {
        requireNoJftrace();
        Instrumentation inst = ByteBuddyAgent.install();
        AtomicInteger transformed = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                            DynamicType dynamicType) {
                        if (type.getName().equals(target.getName())) {
                            transformed.incrementAndGet();
                        }
                    }

                    @Override
                    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
                        error.set(t);
                    }
                })
                .type(ElementMatchers.named(target.getName()))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(advice).on(ElementMatchers.named("compute"))))
                .installOn(inst);
        if (error.get() != null) {
            throw new IllegalStateException("Byte Buddy failed to transform " + target.getName(), error.get());
        }
        if (transformed.get() == 0) {
            throw new IllegalStateException("Byte Buddy did not transform " + target.getName());
        }
    }

    /** {@return a started JFR recording of {@code event} ("jdk.MethodTrace" or "jdk.MethodTiming") on Target.compute} */
    public static Recording startJfr(String event, boolean stackTrace) {
        return startJfr(event, stackTrace, Target.class);
    }

    /** Like {@link #startJfr(String, boolean)} on {@code compute} of {@code target}. */
    public static Recording startJfr(String event, boolean stackTrace, Class<?> target) {
        requireNoJftrace();
        if (Runtime.version().feature() < 25) {
            throw new IllegalStateException("JFR method tracing needs JDK 25+, this is " + Runtime.version());
        }
        Recording r = new Recording();
        r.setName("jftrace-bench-" + event);
        r.setToDisk(true);
        r.setMaxSize(64L * 1024 * 1024); // events of tens of millions of calls: keep the repository bounded
        var settings = r.enable(event).with("filter", target.getName() + "::compute");
        if (event.equals("jdk.MethodTrace")) {
            settings.withThreshold(Duration.ZERO);
            if (stackTrace) {
                settings.withStackTrace();
            } else {
                settings.withoutStackTrace();
            }
        }
        r.start();
        return r;
    }

    /**
     * {@return how many {@code event} events (MethodTiming: invocations) for Target.compute
     * {@code r} holds now, counting stops at {@code enough}} (dumps it to a temp file)
     */
    public static long countJfr(Recording r, String event, long enough) {
        return countJfr(r, event, enough, Target.class);
    }

    /** Like {@link #countJfr(Recording, String, long)} for {@code compute} of {@code target}. */
    public static long countJfr(Recording r, String event, long enough, Class<?> target) {
        try {
            Path f = Files.createTempFile("jftrace-bench-", ".jfr");
            try {
                r.dump(f);
                long n = 0;
                try (RecordingFile file = new RecordingFile(f)) {
                  while (file.hasMoreEvents() && n < enough) {
                    RecordedEvent e = file.readEvent();
                    if (!e.getEventType().getName().equals(event)) {
                        continue;
                    }
                    RecordedMethod m = e.getValue("method");
                    if (m != null && m.getName().equals("compute") && m.getType().getName().equals(target.getName())) {
                        n += event.equals("jdk.MethodTiming") ? e.getLong("invocations") : 1;
                    }
                  }
                }
                return n;
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("JFR dump failed", e);
        }
    }
}
