package org.jftrace.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * Asks a JVM, through jcmd's channel and without loading anything into it, whether jftrace runs
 * there: {@code VM.class_hierarchy org.jftrace.internal.boot.Hooks} names the class and its
 * loader, and jftrace's start puts that class in the boot loader ({@code /null}). Code of the
 * program cannot forge it: a class path or custom loader's class of that name shows another loader,
 * and only an agent or {@code -Xbootclasspath/a} adds classes to the boot loader. (A system property
 * or a file the JVM opened could be set or opened by any code there.)
 */
final class JvmProbe {
    static final String BOOT_CLASS = "org.jftrace.internal.boot.Hooks";

    /** What the probe found. */
    enum State {
        STARTED("yes"), NOT_STARTED("no"), UNKNOWN("?");

        final String column;

        State(String column) {
            this.column = column;
        }
    }

    private JvmProbe() {
    }

    /** {@return whether jftrace started in JVM {@code pid}}; UNKNOWN when the JVM cannot be asked */
    static State jftrace(String pid) {
        try {
            return parse(jcmd(pid, "VM.class_hierarchy " + BOOT_CLASS));
        } catch (IOException | AttachNotSupportedException | ReflectiveOperationException | RuntimeException e) {
            return State.UNKNOWN;
        }
    }

    /** {@return the state that {@code VM.class_hierarchy} output {@code out} shows} */
    static State parse(String out) {
        for (String line : out.split("\n")) {
            if (line.trim().endsWith(BOOT_CLASS + "/null")) {
                return State.STARTED;
            }
        }
        // the JVM answered: no class of that name in the boot loader
        return out.contains("java.lang.Object") || out.contains("Command executed successfully")
                || out.isBlank() ? State.NOT_STARTED : State.UNKNOWN;
    }

    /** {@return the output of diagnostic command {@code command} in JVM {@code pid}}, as jcmd runs it */
    private static String jcmd(String pid, String command)
            throws IOException, AttachNotSupportedException, ReflectiveOperationException {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            // HotSpotVirtualMachine.executeJCmd: exported to this jar by its manifest's Add-Exports
            Method exec = Class.forName("sun.tools.attach.HotSpotVirtualMachine").getMethod("executeJCmd", String.class);
            try (InputStream in = (InputStream) exec.invoke(vm, command)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            vm.detach();
        }
    }
}
