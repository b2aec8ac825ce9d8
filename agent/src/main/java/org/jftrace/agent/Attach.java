package org.jftrace.agent;

import java.nio.file.Path;
import java.util.Arrays;

import org.jftrace.internal.agent.AttachClient;
import org.jftrace.internal.agent.AttachProtocol;

/**
 * Loads jftrace into a running JVM and runs a command there (the {@code jftrace} command does the
 * same with more commands and help; this form stays for scripts that use it):
 * <pre>
 * java -jar jftrace-agent.jar PID                                  install the agent
 * java -jar jftrace-agent.jar PID patch TARGET REPLACEMENT [JAR]   live-patch TARGET (JAR holds the replacement)
 * java -jar jftrace-agent.jar PID unpatch TARGET                   undo it
 * java -jar jftrace-agent.jar PID patches                          list the patches in force
 * </pre>
 * Exit codes: 0 done, 1 usage (checked here, before any attach), 2 no such JVM or attach refused,
 * 3 the agent or the command failed there.
 *
 * <p>The command and its answer do not travel in the attach protocol's agent argument (on JDK 17 it
 * holds about 1,000 characters) nor in a system property of the target (which any code there can
 * read or forge): this side makes a directory only its user can enter, writes the request into it
 * (a random token, then the command's words, NUL-separated: no command-line argument holds a NUL),
 * creates an empty result file there, and passes the directory's path as the agent argument; the
 * agent ({@link JftraceAgent#agentmain}) writes the token and its answer into the result file. An
 * answer without this attach's token is not taken; the directory is deleted afterwards. The
 * exchange is {@link AttachProtocol}'s, the attaching side {@link AttachClient}.
 */
public final class Attach {
    /** The exchange's words, for {@link JftraceAgent} (constants: using them loads no class). */
    static final String MAGIC = AttachProtocol.MAGIC;
    static final String REQUEST = AttachProtocol.REQUEST;
    static final String RESULT = AttachProtocol.RESULT;
    static final String OK = AttachProtocol.OK;
    static final String ERROR = AttachProtocol.ERROR;
    static final String START_FAILED = AttachProtocol.START_FAILED;
    static final String DOORBELL_PREFIX = AttachProtocol.DOORBELL_PREFIX;
    static final String DOORBELL_MAGIC = AttachProtocol.DOORBELL_MAGIC;
    static final String DONE = AttachProtocol.DONE;
    static final String REFUSED = AttachProtocol.REFUSED;

    private static final String USAGE = "usage: java -jar jftrace-agent.jar PID [install | patch TARGET REPLACEMENT "
            + "[JAR] | unpatch TARGET | patches] (or the jftrace command: jftrace --help)";

    private Attach() {
    }

    public static void main(String[] args) {
        String[] r = run(args);
        int exit = Integer.parseInt(r[0]);
        if (exit == AttachProtocol.EXIT_OK) {
            System.out.println(r[1]);
        } else {
            System.err.println(r[1]);
        }
        System.exit(exit);
    }

    /** {@return exit code and the line to print} */
    private static String[] run(String[] args) {
        long pid = args.length < 1 ? -1 : parsePid(args[0]);
        if (pid <= 0) {
            return new String[] {Integer.toString(AttachProtocol.EXIT_USAGE), USAGE};
        }
        String[] command = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"install"};
        String[] bad = AttachClient.check(command);
        if (bad != null) {
            return bad;
        }
        Path agent;
        try {
            agent = JftraceAgent.agentJar();
        } catch (IllegalStateException e) {
            return new String[] {Integer.toString(AttachProtocol.EXIT_USAGE), e.getMessage()};
        }
        String[] r = AttachClient.call(command, pid, agent);
        if (!r[0].equals(Integer.toString(AttachProtocol.EXIT_OK))) {
            return r;
        }
        String out = r[1];
        if (command[0].equals("patches")) {
            // the agent answers one patch per line; this form always printed them as a list on one line
            out = out.isEmpty() ? "[]" : "[" + String.join(", ", out.split("\n")) + "]";
        }
        return new String[] {r[0], "jftrace in JVM " + pid + ": " + out};
    }

    private static long parsePid(String s) {
        if (!s.matches("\\d{1,18}")) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
