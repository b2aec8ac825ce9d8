package org.jftrace.cli;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints picocli's completion script for every command and option of {@code jftrace}. */
@Command(name = "completion", 
        description = {"Prints a completion script for bash and zsh.",
            "Load it with: source <(jftrace completion), or save it in ~/.local/share/bash-completion/completions/jftrace."})
final class CompletionCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("jftrace", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return Jftrace.EXIT_OK;
    }
}
