package org.distill4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./distill4j}: dispatches to the sub-commands. */
@Command(name = "distill4j", mixinStandardHelpOptions = true, version = "distill4j 0.1.0-SNAPSHOT",
        description = "Train teachers, distill students and run them, on the CPU, CUDA or OpenCL.",
        subcommands = {BackendsCommand.class, FetchCommand.class, TrainCommand.class, DistillCommand.class, EvalCommand.class,
                PredictCommand.class, DemoCommand.class, SweepCommand.class, SoftenCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
