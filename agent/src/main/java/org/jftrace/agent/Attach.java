package org.jftrace.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * Loads jftrace into a running JVM and runs a command there:
 * <pre>
 * java -jar jftrace-agent.jar PID                                  install the agent
 * java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]   live-patch TARGET (JAR holds the replacement)
 * java -jar jftrace-agent.jar PID unpatch TARGET                   undo it
 * java -jar jftrace-agent.jar PID patches                          list the patches in force
 * </pre>
 * Exit codes: 0 done, 1 usage, 2 no such JVM or attach refused, 3 the agent or the command failed there.
 */
public final class Attach {
    static final String RESULT_PROPERTY = "jftrace.attach.result";
    private static final String SEP = "\u001f";

    private Attach() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || !args[0].matches("\\d+")) {
            System.err.println("usage: java -jar jftrace-agent.jar PID [install | patch TARGET REPLACEMENT [JAR] | "
                    + "unpatch TARGET | patches]");
            System.exit(1);
        }
        String pid = args[0];
        String[] command = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"install"};
        if (command[0].equals("patch") && command.length == 4) {
            Path jar = Path.of(command[3]).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                System.err.println("replacement jar " + jar + " does not exist");
                System.exit(1);
            }
            command[3] = jar.toString();
        }
        Path agent = JftraceAgent.agentJar();
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            String result;
            try {
                vm.loadAgent(agent.toString(), String.join(SEP, command));
                result = vm.getSystemProperties().getProperty(RESULT_PROPERTY, "ok: installed");
            } finally {
                vm.detach();
            }
            if (result.startsWith("error: ")) {
                System.err.println("jftrace in JVM " + pid + ": " + result.substring(7));
                System.exit(3);
            }
            System.out.println("jftrace in JVM " + pid + ": " + result.substring(result.indexOf(' ') + 1));
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
            boolean alive = ProcessHandle.of(Long.parseLong(pid)).isPresent();
            System.err.println("cannot talk to JVM " + pid + ": " + (alive ? e.getMessage() : "no such process"));
            System.exit(2);
        }
    }
}
