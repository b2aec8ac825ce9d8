package org.jftrace.agent;

import java.io.IOException;
import java.nio.file.Path;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * Loads jftrace into a running JVM: {@code java -jar jftrace-agent.jar PID [options]}. Exit codes:
 * 0 loaded, 1 usage, 2 no such JVM or attach refused, 3 the agent failed to start there.
 */
public final class Attach {
    private Attach() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || !args[0].matches("\\d+")) {
            System.err.println("usage: java -jar jftrace-agent.jar PID [agent-options]");
            System.exit(1);
        }
        String pid = args[0];
        String options = args.length > 1 ? args[1] : null;
        Path jar = JftraceAgent.agentJar();
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(jar.toString(), options);
            } finally {
                vm.detach();
            }
            System.out.println("jftrace loaded into JVM " + pid);
        } catch (AttachNotSupportedException e) {
            boolean alive = ProcessHandle.of(Long.parseLong(pid)).isPresent();
            System.err.println("cannot attach to " + pid + ": " + (alive
                    ? e.getMessage() + " (is it a JVM run by the same user, with attach enabled?)"
                    : "no such process; check the pid with 'jps'"));
            System.exit(2);
        } catch (AgentLoadException | AgentInitializationException e) {
            System.err.println("jftrace failed to start in JVM " + pid + ": " + e.getMessage());
            System.exit(3);
        } catch (IOException e) {
            System.err.println("cannot talk to JVM " + pid + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
