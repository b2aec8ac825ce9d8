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
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print("Usage: " + line.getHelp().synopsis(0));
        err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for more.");
        return EXIT_USAGE;
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
