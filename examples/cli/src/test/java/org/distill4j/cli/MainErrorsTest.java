package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import org.distill4j.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import org.junit.jupiter.api.Test;

/** How {@link Main} reports what a command throws: the message and exit 2 or 1, or a trace for a bug. */
class MainErrorsTest {
    /** Throws what its argument names. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @Parameters
        String what;

        @Override
        public Integer call() {
            switch (what) {
                case "usage" -> throw new UsageException("--frobs must be >= 1, found 0");
                case "library" -> TrainConfig.builder().epochs(0).build();
                case "jdk" -> new ArrayList<>(-1);
                case "cli" -> throw new IllegalArgumentException("a bug in the command line");
                default -> throw new AssertionError(what);
            }
            return 0;
        }
    }

    private record Result(int code, String err) {
    }

    private static Result run(String what) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new Fail());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute("fail", what), err.toString());
    }

    @Test
    void aUsageErrorIsOneLineAndExitCode2() {
        Result r = run("usage");
        assertEquals(2, r.code());
        assertEquals("error: --frobs must be >= 1, found 0\n", r.err().replace("\r\n", "\n"));
    }

    @Test
    void anIllegalArgumentFromTheLibraryIsOneLineAndExitCode1() {
        Result r = run("library");
        assertEquals(1, r.code());
        assertEquals("error: training config: epochs must be >= 1, found 0\n", r.err().replace("\r\n", "\n"));
    }

    @Test
    void anIllegalArgumentFromOutsideTheLibraryIsAnInternalErrorWithItsTrace() {
        for (String what : new String[] {"jdk", "cli"}) {
            Result r = run(what);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("error: internal error, please report it with this trace:"), r.err());
            assertTrue(r.err().contains("java.lang.IllegalArgumentException") && r.err().contains("\tat "), r.err());
            assertFalse(r.err().contains("\nerror: "), r.err());
        }
    }
}
