package org.jftrace.it.tracers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jftrace.FtraceException;
import org.jftrace.tracers.ring.BufferMode;
import org.jftrace.tracers.function.FunctionTracer;

/**
 * Runs the function tracer in a JVM started with the agent and writes what it printed to files
 * in the directory given as argument; {@link FunctionTracerJvmTest} checks them.
 */
public final class FunctionTracerScenarios {
    static final String WORKLOAD = "org.jftrace.it.tracers.Workload.*";
    static final String PUT = "java.util.HashMap.put";
    static final int CALLS = 50;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Properties facts = new Properties();
        snapshot(out, facts, false, "cheap");
        snapshot(out, facts, true, "exact");
        pipe(out, facts);
        dropClearResize(out, facts);
        try (var w = Files.newBufferedWriter(out.resolve("facts.properties"))) {
            facts.store(w, "function tracer scenarios");
        }
    }

    /** run -> 50 x (step -> HashMap.put) on thread "workload", traced, then the trace file. */
    private static void snapshot(Path out, Properties facts, boolean parents, String name) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter(WORKLOAD, PUT).parentIp(parents).build();
        Map<Integer, Integer> map = Workload.newMap();
        t.start();
        Thread w = new Thread(() -> Workload.run(map, CALLS), "workload");
        w.start();
        w.join();
        t.stop();
        Files.writeString(out.resolve(name + ".txt"), t.trace());
        facts.setProperty(name + ".tid", Long.toString(w.getId()));
    }

    /** trace_pipe follows a live thread: lines arrive while it runs, which waits for 5 of them. */
    private static void pipe(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter("org.jftrace.it.tracers.Workload.step").build();
        t.start();
        FunctionTracer.Pipe pipe = t.openPipe();
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, Integer> map = Workload.newMap();
        Thread live = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                Workload.step(map, i);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "live");
        live.start();
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got.stream().filter(l -> l.contains(" live-")).count() < 5 && System.nanoTime() < deadline) {
            got.addAll(pipe.readLines(1, TimeUnit.SECONDS));
        }
        boolean stillRunning = live.isAlive();
        stop.set(true);
        live.join();
        t.stop();
        Files.write(out.resolve("pipe.txt"), got);
        facts.setProperty("pipe.liveWhileRead", Boolean.toString(stillRunning));
        facts.setProperty("pipe.tid", Long.toString(live.getId()));
        // consumed: what the pipe returned is gone from trace
        Files.writeString(out.resolve("pipe-after.txt"), t.trace());
    }

    /** Drop mode on one 1 KB buffer (16 records), resize refused while started, clear, tracing_on. */
    private static void dropClearResize(Path out, Properties facts) throws Exception {
        FunctionTracer t = FunctionTracer.builder().filter("org.jftrace.it.tracers.Workload.step")
                .bufferSizeKb(1).buffers(1).mode(BufferMode.DROP).build();
        Map<Integer, Integer> map = Workload.newMap();
        t.start();
        onThread("dropper", () -> {
            for (int i = 0; i < 40; i++) {
                Workload.step(map, i);
            }
        });
        try {
            t.setBufferSizeKb(2);
            facts.setProperty("resizeWhileStarted", "accepted");
        } catch (FtraceException e) {
            facts.setProperty("resizeWhileStarted", e.getMessage());
        }
        t.stop();
        Files.writeString(out.resolve("drop.txt"), t.trace());
        t.clear();
        Files.writeString(out.resolve("cleared.txt"), t.trace());
        for (int kb : new int[] {0, -5, Integer.MAX_VALUE}) {
            try {
                t.setBufferSizeKb(kb);
                facts.setProperty("badSize." + kb, "accepted");
            } catch (FtraceException e) {
                facts.setProperty("badSize." + kb, e.getMessage());
            }
        }
        t.setBufferSizeKb(2);
        t.start();
        t.setTracingOn(false);
        onThread("paused", () -> {
            for (int i = 0; i < 10; i++) {
                Workload.step(map, i);
            }
        });
        t.setTracingOn(true);
        onThread("resumed", () -> {
            for (int i = 0; i < 5; i++) {
                Workload.step(map, i);
            }
        });
        t.stop();
        Files.writeString(out.resolve("resized.txt"), t.trace());
    }

    private static void onThread(String name, Runnable r) throws InterruptedException {
        Thread th = new Thread(r, name);
        th.start();
        th.join();
    }

    static void write(Path p, String s) throws IOException {
        Files.writeString(p, s);
    }
}
