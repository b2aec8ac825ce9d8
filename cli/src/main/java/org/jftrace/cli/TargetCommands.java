package org.jftrace.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that attach to one JVM ({@code -p PID}) and run a command of the agent there
 * (org.jftrace.internal.agent.AgentCommands), through the agent's request-directory channel
 * ({@link AgentChannel}): one attach per command; jftrace starts on the first and stays.
 */
final class TargetCommands {
    private TargetCommands() {
    }

    /**
     * One attach: checks the words and the process before attaching, runs them there, prints the
     * output. Commands that only read or undo answer without loading jftrace into a JVM where it
     * does not run ({@link #whenNotRunning}).
     */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        TargetOptions target;

        @Spec
        CommandSpec spec;

        /** {@return the agent command's words} */
        abstract String[] words();

        /** {@return what to print, without attaching, when jftrace does not run in the JVM}, or null to start it */
        String whenNotRunning() {
            return null;
        }

        /** {@return what the progress line says is going on} */
        abstract String doing();

        /** Prints the agent's output {@code out}; {@return the exit code} */
        int print(String out, PrintWriter stdout, Progress progress) {
            if (!out.isEmpty()) {
                stdout.println(out);
            }
            progress.done("done");
            return Jftrace.EXIT_OK;
        }

        @Override
        public Integer call() throws CliFailure {
            Progress progress = new Progress(System.err, target.verbose);
            AgentChannel channel = AgentChannel.of(AgentJar.find(target.agentJar));
            String[] w = words();
            channel.check(w);
            channel.checkTarget(target.pid);
            String pid = Long.toString(target.pid);
            String idle = whenNotRunning();
            String doing = doing() + " in JVM " + pid;
            if (idle != null || progress.on()) {
                progress.step("asking JVM " + pid + " whether jftrace runs there");
                JvmProbe.State state = JvmProbe.jftrace(pid);
                if (state == JvmProbe.State.NOT_STARTED && idle != null) {
                    if (!idle.isEmpty()) {
                        spec.commandLine().getOut().println(idle);
                    }
                    progress.done("jftrace does not run in JVM " + pid + ": nothing loaded there");
                    return Jftrace.EXIT_OK;
                }
                if (state == JvmProbe.State.NOT_STARTED) {
                    doing = "starting jftrace in JVM " + pid + " (its first attach), then " + doing();
                }
            }
            progress.step(doing);
            String out = channel.call(target.pid, w);
            PrintWriter stdout = spec.commandLine().getOut();
            int exit = print(out, stdout, progress);
            stdout.flush();
            return exit;
        }
    }

    @Command(name = "list", sortOptions = false,
            description = {"Prints the JVM's available_filter_functions: every method jftrace can hook, one per line "
                + "as 'class.method(params) [module or jar]', or those that GLOB matches.",
                "The first list in a JVM reads the class file of every loaded class (seconds on a large program)."})
    static final class List extends Base {
        @Parameters(arity = "0..1", paramLabel = "GLOB",
                description = {"A filter pattern, as set_ftrace_filter and Ftrace.ftraceSetFilter take it: '*' any run "
                    + "of characters, '?' one, '[a-z]' or '[!a-z]' one of a class, '\\' escapes; "
                    + "'(params)' picks overloads, ':mod:NAME' a module or jar.",
                    "Examples: 'java.util.HashMap.*', '*Inventory.add(java.lang.String,int)', '*:mod:java.base'. "
                    + "Quote it in the shell."})
        String glob;

        @Override
        String[] words() {
            return glob == null ? new String[] {"list"} : new String[] {"list", glob};
        }

        @Override
        String doing() {
            return "listing the functions" + (glob == null ? "" : " that match " + glob);
        }

        @Override
        int print(String out, PrintWriter stdout, Progress progress) {
            long n = out.isEmpty() ? 0 : out.chars().filter(c -> c == '\n').count() + 1;
            if (n > 0) {
                stdout.println(out);
            } else if (glob != null) {
                spec.commandLine().getErr().println("jftrace: no function of JVM " + target.pid + " matches '" + glob
                        + "' (classes load lazily: a class not loaded yet is not listed)");
            }
            progress.done("listed " + Progress.count(n) + (n == 1 ? " function" : " functions"));
            return Jftrace.EXIT_OK;
        }
    }

    @Command(name = "enabled", sortOptions = false,
            description = "Prints the JVM's enabled_functions: each hooked method, the number of ops on it and their "
                + "flags (R: SAVE_REGS, I: IPMODIFY, D: linked straight to a replacement).")
    static final class Enabled extends Base {
        @Override
        String[] words() {
            return new String[] {"enabled"};
        }

        @Override
        String whenNotRunning() {
            return "";
        }

        @Override
        String doing() {
            return "reading enabled_functions";
        }
    }

    @Command(name = "patch", sortOptions = false,
            description = "Live-patches method TARGET: its callers run REPLACEMENT instead, until 'jftrace unpatch'.")
    static final class Patch extends Base {
        @Parameters(index = "0", paramLabel = "TARGET",
                description = "The method to replace, binary.class.Name.method[(params)], e.g. "
                    + "'com.acme.Prices.discount(int)'; a parameter list picks one overload.")
        String patchTarget;

        @Parameters(index = "1", paramLabel = "REPLACEMENT",
                description = "The method that runs instead: a static method with the same parameters (the receiver "
                    + "first for an instance method) or an instance method of a compatible type.")
        String replacement;

        @Parameters(index = "2", arity = "0..1", paramLabel = "JAR",
                description = "A jar holding REPLACEMENT's class, added to the JVM's class path first. Leave it out if "
                    + "the JVM has the class already.")
        String jar;

        @Override
        String[] words() {
            java.util.List<String> w = new ArrayList<>(java.util.List.of("patch", patchTarget, replacement));
            if (jar != null) {
                w.add(jar);
            }
            return w.toArray(new String[0]);
        }

        @Override
        String doing() {
            return "patching " + patchTarget;
        }
    }

    @Command(name = "unpatch", sortOptions = false,
            description = "Undoes the live patch of method TARGET: its own code runs again.")
    static final class Unpatch extends Base {
        @Parameters(index = "0", paramLabel = "TARGET", description = "The patched method, as given to 'jftrace patch'.")
        String patchTarget;

        @Override
        String[] words() {
            return new String[] {"unpatch", patchTarget};
        }

        @Override
        String whenNotRunning() {
            return "no patch on " + patchTarget;
        }

        @Override
        String doing() {
            return "unpatching " + patchTarget;
        }
    }

    @Command(name = "patches", sortOptions = false,
            description = "Prints the live patches in force in the JVM, one per line: TARGET -> REPLACEMENT.")
    static final class Patches extends Base {
        @Override
        String[] words() {
            return new String[] {"patches"};
        }

        @Override
        String whenNotRunning() {
            return "";
        }

        @Override
        String doing() {
            return "reading the patches";
        }
    }

    @Command(name = "reset", sortOptions = false,
            description = {"Takes every live patch off; when no method is hooked any more, every class runs its "
                + "original bytecode again.",
                "Hooks that the program registered itself through jftrace's API stay (the API cannot unregister "
                + "them from outside): they are listed, with exit 3."})
    static final class Reset extends Base {
        @Override
        String[] words() {
            return new String[] {"reset"};
        }

        @Override
        String whenNotRunning() {
            return "jftrace does not run in JVM " + target.pid + ": nothing to reset";
        }

        @Override
        String doing() {
            return "resetting";
        }
    }
}
