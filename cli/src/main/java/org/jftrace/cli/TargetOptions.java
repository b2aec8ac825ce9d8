package org.jftrace.cli;

import java.nio.file.Path;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The options of every command that attaches to a JVM: which one, with which agent jar, how talkative. */
final class TargetOptions {
    @Option(names = {"-p", "--pid"}, required = true, paramLabel = "PID", converter = PidConverter.class,
            description = "The JVM to attach to: its process id ('jftrace ps' lists them). It must run as this user.")
    long pid;

    @Option(names = "--agent-jar", paramLabel = "JAR",
            description = "The jftrace-agent.jar to load into the JVM. Default: $" + AgentJar.ENV
                    + ", else the agent inside jftrace.jar (written once to java.io.tmpdir/jftrace-$USER/).")
    Path agentJar;

    @Mixin
    HelpOption help;

    @Option(names = {"-v", "--verbose"},
            description = "Print progress on standard error even when it is not a terminal.")
    boolean verbose;

    /** A pid: a positive decimal number, said so in the error (picocli's own message says "not a long"). */
    static final class PidConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            if (v.matches("[0-9]{1,18}") && Long.parseLong(v) > 0) {
                return Long.parseLong(v);
            }
            throw new TypeConversionException("'" + value + "' is not a process id: give the pid of a JVM, a positive "
                    + "number ('jftrace ps' lists them)");
        }
    }
}
