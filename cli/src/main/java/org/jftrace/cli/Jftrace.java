package org.jftrace.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code jftrace} command, the JVM's trace-cmd: attaches to a running JVM by pid and drives
 * jftrace there. Each subcommand is a class of this package; picocli parses, helps and completes.
 *
 * <p>Exit codes, for scripts: {@value #EXIT_OK} done; {@value #EXIT_USAGE} usage (a bad command
 * line, found before any attach); {@value #EXIT_NO_JVM} no such JVM, not a JVM, or attach
 * refused; {@value #EXIT_FAILED} jftrace or the command failed in the target. The same as the
 * agent jar's own {@code java -jar jftrace-agent.jar PID ...}.
 */
@Command(name = "jftrace", mixinStandardHelpOptions = true, versionProvider = Jftrace.Version.class,
        description = "Drives jftrace, the JVM's ftrace, in a running JVM attached by pid.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {PsCommand.class, TargetCommands.List.class, TargetCommands.Enabled.class,
            TargetCommands.Patch.class, TargetCommands.Unpatch.class, TargetCommands.Patches.class,
            TargetCommands.Reset.class, RecordCommand.class, ReportCommand.class, FileCommands.Cat.class,
            FileCommands.Echo.class, StreamCommands.Stream.class, StreamCommands.Stat.class, RunCommand.class,
            CompletionCommand.class,
            HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:usage: a bad command line, found before any attach",
            "2:no such JVM, not a JVM, or the JVM refused the attach", "3:jftrace or the command failed in the JVM"},
        footer = {"", "Run 'jftrace COMMAND --help' for a command's options; 'source <(jftrace completion)' "
            + "completes commands and options in bash and zsh."})
public final class Jftrace implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 1;
    static final int EXIT_NO_JVM = 2;
    static final int EXIT_FAILED = 3;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@return the command line, with jftrace's exit codes for bad input and failures} */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Jftrace());
        cl.setParameterExceptionHandler(Jftrace::badInput);
        cl.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line));
        return cl;
    }

    /** Without a command: the usage, on standard error, and exit 1. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jftrace: give a command");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /** A bad command line: what is wrong, the nearest valid word if any, the command's synopsis; exit 1. */
    private static int badInput(ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("jftrace: " + e.getMessage());
        String command = misspelledCommand(e);
        if (command != null) {
            err.println("Did you mean: jftrace " + command + "?");
        } else {
            UnmatchedArgumentException.printSuggestions(e, err);
        }
        err.print("Usage: " + line.getHelp().synopsis(0));
        err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for more.");
        return EXIT_USAGE;
    }

    /**
     * {@return the commands nearest to a misspelled one, by edit distance (at most 2), or null}
     * picocli's own suggestions rank by shared letter pairs, which puts {@code stat} and
     * {@code stream} before {@code list} for {@code lst}.
     */
    static String misspelledCommand(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException) || e.getCommandLine().getParent() != null) {
            return null;
        }
        java.util.List<String> unmatched = ((UnmatchedArgumentException) e).getUnmatched();
        if (unmatched.isEmpty() || unmatched.get(0).startsWith("-")) {
            return null;
        }
        String word = unmatched.get(0);
        int best = 3;
        java.util.List<String> nearest = new java.util.ArrayList<>();
        for (String name : e.getCommandLine().getSubcommands().keySet()) {
            int d = distance(word, name);
            if (d < best) {
                best = d;
                nearest.clear();
            }
            if (d == best) {
                nearest.add(name);
            }
        }
        return nearest.isEmpty() ? null : String.join(" or jftrace ", nearest);
    }

    /** {@return the Levenshtein distance of {@code a} and {@code b}} */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static int failed(Exception e, CommandLine line) {
        PrintWriter err = line.getErr();
        if (e instanceof CliFailure) {
            err.println("jftrace: " + e.getMessage());
            return ((CliFailure) e).exit;
        }
        err.println("jftrace: internal error: " + e);
        e.printStackTrace(err);
        return EXIT_FAILED;
    }

    /** The version: the jar's Implementation-Version. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Jftrace.class.getPackage().getImplementationVersion();
            return new String[] {"jftrace " + (v != null ? v : "(not from its jar)")};
        }
    }
}
