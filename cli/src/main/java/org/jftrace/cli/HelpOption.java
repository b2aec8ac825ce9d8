package org.jftrace.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} of each command (its version is the top command's {@code -V}). */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
