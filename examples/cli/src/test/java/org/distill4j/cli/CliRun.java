package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs the command line in-process for the CLI tests and keeps what it printed. */
final class CliRun {
    private CliRun() {
    }

    /** What a run printed and returned. */
    record Result(int code, String out, String err) {
        Result ok() {
            assertEquals(0, code, "exit code; stderr: " + err + "\nstdout: " + out);
            return this;
        }

        Result fails(String... fragments) {
            assertTrue(code != 0, "should fail; stdout: " + out);
            for (String f : fragments) {
                assertTrue(err.contains(f), "stderr should contain '" + f + "' but was: " + err);
            }
            return this;
        }

        int testErrors() {
            Matcher m = Pattern.compile("test errors: (\\d+) of (\\d+)").matcher(out);
            assertTrue(m.find(), "no test errors in: " + out);
            return Integer.parseInt(m.group(1));
        }
    }

    /** Runs {@code args} (a command and its options) with stdout and stderr captured. */
    static Result execute(List<String> args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            return new Result(cli.execute(args.toArray(String[]::new)), out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(savedOut);
        }
    }
}
