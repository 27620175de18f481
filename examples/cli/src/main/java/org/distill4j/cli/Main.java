package org.distill4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code ./distill4j}: dispatches to the sub-commands.
 *
 * <p>Errors are printed as {@code error: <what to change>} without a stack trace. Exit codes: 0 success;
 * 2 a usage error (an unknown option, a value picocli cannot parse, or a value a command rejects with a
 * {@link UsageException} before doing any work); 1 any other failure (a value or file the distill4j library
 * rejects with an {@link IllegalArgumentException}, a missing or malformed file, an unavailable backend, a
 * diverging run). Any other exception, an {@code IllegalArgumentException} thrown outside the library included,
 * is a bug: it is printed with its stack trace, exit code 1.
 */
@Command(name = "distill4j", mixinStandardHelpOptions = true, version = "distill4j 0.1.0-SNAPSHOT",
        description = "Train teachers, distill students and run them, on the CPU, CUDA or OpenCL.",
        subcommands = {BackendsCommand.class, FetchCommand.class, TrainCommand.class, DistillCommand.class, EvalCommand.class,
                PredictCommand.class, DemoCommand.class, SweepCommand.class, SoftenCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with distill4j's error handling; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e, cmd));
        return cli;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage().replaceFirst("^Error: ", ""));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static int failure(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        int code = CommandLine.ExitCode.SOFTWARE;
        if (e instanceof UsageException) {
            err.println("error: " + e.getMessage());
            code = CommandLine.ExitCode.USAGE;
        } else if (e instanceof IllegalArgumentException iae && thrownByLibrary(iae)) {
            err.println("error: " + e.getMessage());
        } else if (e instanceof NoSuchFileException f && f.getReason() == null) {
            err.println("error: file not found: " + f.getFile());
        } else if (e instanceof AccessDeniedException f && f.getReason() == null) {
            err.println("error: permission denied: " + f.getFile());
        } else if (e instanceof UncheckedIOException u) {
            err.println("error: " + u.getMessage() + ": " + u.getCause().getMessage());
        } else if (e instanceof IOException || e instanceof IllegalStateException || e instanceof BackendUnavailableException
                || e instanceof TrainingDivergedException) {
            err.println("error: " + e.getMessage());
        } else {
            err.println("error: internal error, please report it with this trace:");
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** Whether the distill4j library (core or a backend, not this command line) threw {@code e}: how it reports bad input. */
    static boolean thrownByLibrary(IllegalArgumentException e) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length == 0) {
            return false;
        }
        String thrower = trace[0].getClassName();
        return thrower.startsWith("org.distill4j.") && !thrower.startsWith(Main.class.getPackageName() + ".");
    }
}
