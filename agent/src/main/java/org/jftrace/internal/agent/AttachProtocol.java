package org.jftrace.internal.agent;

/**
 * The words of the attach exchange, shared by the attaching side ({@link AttachClient}) and the
 * agent ({@link org.jftrace.agent.JftraceAgent#agentmain}). Compile-time constants: the agent's
 * entry class uses them without loading this class before the boot bridge is in place.
 *
 * <p>The exchange, in a directory the attaching side makes for its user only:
 * <pre>
 * request   MAGIC NUL token NUL word (NUL word)*     written by the attaching side
 * result    token NUL status NUL message              created empty by it, written by the agent
 * </pre>
 * status is {@link #OK}, {@link #ERROR} or {@link #START_FAILED}; the message of {@code ok} is
 * the command's output (one line per item for lists), of the others the reason.
 */
public final class AttachProtocol {
    /** First word of a request file: the version of this exchange. */
    public static final String MAGIC = "jftrace-attach-1";
    /** In the request directory: what to do (written by the attaching side). */
    public static final String REQUEST = "request";
    /** In the request directory: the answer (created empty by the attaching side, written by the agent). */
    public static final String RESULT = "result";
    /** The answer's status words. */
    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String START_FAILED = "start-failed";

    /**
     * The doorbell (the agent's {@code Doorbell}): a Unix domain socket a started agent listens on,
     * named as HotSpot names its own attach socket ({@code /tmp/.java_pid<pid>}, the pid as the
     * target sees it). A later command rings it with {@link #DOORBELL_MAGIC}, a space, the request
     * directory and a newline, instead of loading the agent again; the agent answers {@link #DONE}
     * once the result file is written, or {@link #REFUSED} (the attaching side then attaches).
     */
    public static final String DOORBELL_PREFIX = "/tmp/.jftrace_pid";
    public static final String DOORBELL_MAGIC = "jftrace-doorbell-1";
    public static final String DONE = "done";
    public static final String REFUSED = "refused";

    /** Exit codes of both front ends (the old {@code java -jar jftrace-agent.jar PID ...} and {@code jftrace}). */
    public static final int EXIT_OK = 0;
    public static final int EXIT_USAGE = 1;
    public static final int EXIT_NO_JVM = 2;
    public static final int EXIT_FAILED = 3;

    private AttachProtocol() {
    }
}
