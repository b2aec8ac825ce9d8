package org.jftrace.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jftrace ps}: the JVMs this user can attach to, as {@code jps} finds them (their hsperfdata
 * files), with whether jftrace runs in each ({@link JvmProbe}: a jcmd query, nothing loaded there).
 */
@Command(name = "ps", sortOptions = false,
        description = {"Lists the JVMs this user can attach to: pid, whether jftrace runs there (yes, no, or ? when "
            + "the JVM did not answer), and its main class or jar with arguments.",
            "Found as jps finds them; a JVM started with -XX:-UsePerfData is not listed but can still be given by pid.",
            "Asking a JVM whether jftrace runs there loads nothing into it (a jcmd query, VM.class_hierarchy)."})
final class PsCommand implements Callable<Integer> {
    /** How long one JVM may take to answer before it is shown with '?'. */
    private static final long ANSWER_SECONDS = 5;

    @Option(names = "--no-header", description = "Leave out the header line (for scripts).")
    boolean noHeader;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // the attach API waits 10 s by default for a JVM's attach listener; a listing should not
        if (System.getProperty("sun.tools.attach.attachTimeout") == null) {
            System.setProperty("sun.tools.attach.attachTimeout", Long.toString(ANSWER_SECONDS * 1000 - 500));
        }
        String self = Long.toString(ProcessHandle.current().pid());
        List<VirtualMachineDescriptor> jvms = new ArrayList<>();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (!d.id().equals(self)) {
                jvms.add(d);
            }
        }
        jvms.sort(Comparator.comparingLong(d -> parseOr(d.id(), Long.MAX_VALUE)));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, jvms.size())), r -> {
            Thread t = new Thread(r, "jftrace-ps");
            t.setDaemon(true); // a JVM that never answers does not keep this command alive
            return t;
        });
        List<Future<JvmProbe.State>> states = new ArrayList<>();
        for (VirtualMachineDescriptor d : jvms) {
            states.add(pool.submit(() -> JvmProbe.jftrace(d.id())));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!noHeader) {
            out.println(String.format("%-8s %-7s %s", "PID", "JFTRACE", "MAIN"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
        for (int i = 0; i < jvms.size(); i++) {
            VirtualMachineDescriptor d = jvms.get(i);
            String name = d.displayName().isBlank() ? "?" : d.displayName();
            out.println(String.format("%-8s %-7s %s", d.id(), state(states.get(i), deadline).column, name));
        }
        out.flush();
        pool.shutdownNow();
        return Jftrace.EXIT_OK;
    }

    private static JvmProbe.State state(Future<JvmProbe.State> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return JvmProbe.State.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JvmProbe.State.UNKNOWN;
        }
    }

    private static long parseOr(String s, long otherwise) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
