package org.jftrace.it.install;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jftrace.Ftrace;
import org.jftrace.agent.JftraceAgent;

/**
 * Target JVM of {@link InstallTest}. {@code premain}: started with {@code -javaagent}.
 * {@code attach GOFILE}: started without it; prints {@code ready}, waits for the test to attach the
 * agent and then for the test to create GOFILE.
 * {@code self}: installs the agent itself with {@link JftraceAgent#install()}. Then runs {@link HookReport}.
 */
public final class InstallTarget {
    private InstallTarget() {
    }

    public static void main(String[] args) throws Exception {
        String how = args[0];
        System.out.println("installed-at-start " + Ftrace.isInstalled());
        switch (how) {
            case "premain":
                break;
            case "attach": {
                System.out.println("ready " + ProcessHandle.current().pid());
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (!Ftrace.isInstalled()) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("FAIL agent never arrived");
                        System.exit(1);
                    }
                    Thread.sleep(20);
                }
                // Go on only when the attach tool has finished: this JVM must not exit while the tool
                // still waits for agentmain's answer.
                Path go = Path.of(args[1]);
                while (!Files.exists(go)) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("FAIL no go file");
                        System.exit(1);
                    }
                    Thread.sleep(20);
                }
                break;
            }
            case "self":
                JftraceAgent.install();
                JftraceAgent.install(); // a second call is a no-op
                break;
            default:
                throw new IllegalArgumentException(how);
        }
        System.out.println("installed " + Ftrace.isInstalled() + " started " + JftraceAgent.isStarted());
        HookReport.run(how);
        System.out.println("DONE");
    }
}
