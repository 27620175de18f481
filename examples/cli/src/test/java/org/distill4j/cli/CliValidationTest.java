package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.distill4j.data.Mnist;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Invalid configuration is rejected before any work starts (no run folder is made, no backend created, no
 * training), with one line saying what to change and a non-zero exit code: 2 for a usage error (an option value
 * the command line or the library's settings reject), 1 for a bad file or an unavailable backend. The command line
 * runs in-process on a tiny MNIST-shaped data set (4 x 4 images).
 */
class CliValidationTest {
    private static final int TRAIN = 40;
    private static final int TEST = 20;
    private static final String MODEL = "16-8-10";

    @TempDir
    static Path data;

    @TempDir
    Path runs;

    @TempDir
    Path files;

    /** What a run of the command line printed and returned. */
    record Result(int code, String out, String err) {
        /** Asserts the exit code and a single error line starting with {@code start}, with no stack trace. */
        Result fails(int expectedCode, String start) {
            assertEquals(expectedCode, code, "exit code; stderr: " + err);
            assertTrue(err.startsWith("error: " + start), "stderr should start with 'error: " + start + "' but was: " + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            return this;
        }

        Result oneLine() {
            assertEquals(1, err.lines().count(), "one line: " + err);
            return this;
        }
    }

    @BeforeAll
    static void writeData() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        writeSet(TRAIN, Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, random);
        writeSet(TEST, Mnist.TEST_IMAGES, Mnist.TEST_LABELS, random);
    }

    private static void writeSet(int n, String images, String labels, SplittableRandom random) throws IOException {
        ByteBuffer im = ByteBuffer.allocate(16 + n * 16).putInt(0x803).putInt(n).putInt(4).putInt(4);
        ByteBuffer lb = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            lb.put((byte) label);
            for (int p = 0; p < 16; p++) {
                im.put((byte) (p == label ? 255 : random.nextInt(40)));
            }
        }
        Files.write(data.resolve(images), im.array());
        Files.write(data.resolve(labels), lb.array());
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code command} with {@code options}, plus the tiny data, CPU, one epoch and {@link #MODEL} where not given. */
    private Result withDefaults(String command, String... options) {
        List<String> args = new ArrayList<>(List.of(command));
        List<String> given = Arrays.asList(options);
        String[][] defaults = {{"--data", data.toString()}, {"--runs", runs.toString()}, {"--model", MODEL},
                {"--backend", "cpu"}, {"--threads", "1"}, {"--epochs", "1"}};
        for (String[] d : defaults) {
            if (!given.contains(d[0])) {
                args.addAll(List.of(d));
            }
        }
        args.addAll(given);
        return run(args.toArray(String[]::new));
    }

    private Result distill(String... options) {
        return withDefaults("distill", options);
    }

    private Result train(String... options) {
        return withDefaults("train", options);
    }

    private Path logits(int rows, int classes, float fill) throws IOException {
        float[] values = new float[rows * classes];
        Arrays.fill(values, fill);
        Path file = files.resolve("logits-" + rows + "x" + classes + ".npy");
        Npy.write(file, rows, classes, values);
        return file;
    }

    private void assertNoWorkDone() throws IOException {
        try (Stream<Path> made = Files.list(runs)) {
            assertEquals(List.of(), made.toList(), "no run folder may be made before the options are checked");
        }
    }

    @Test
    @DisplayName("a valid distillation and a valid training run succeed (the checks do not reject good input)")
    void validRunsSucceed() throws IOException {
        Result r = distill("--teacher-logits", logits(TRAIN, 10, 0.5f).toString(), "--name", "ok", "--bias-adjust", "3=1.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(runs.resolve("ok/student.safetensors")));
        assertTrue(Files.isRegularFile(runs.resolve("ok/student-bias-adjusted.safetensors")));
        r = train("--name", "teacher");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, run("eval", "--data", data.toString(), "--model", runs.resolve("teacher/model.safetensors").toString(),
                "--backend", "cpu").code());
        r = distill("--teacher", runs.resolve("teacher/model.safetensors").toString(), "--teacher-shifts", "1", "--name", "shifted");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(runs.resolve("shifted/config.json")).contains("\"teacherShifts\": 1"));
        String teacher = runs.resolve("teacher/model.safetensors").toString();
        r = distill("--teacher", teacher, "--teacher", teacher, "--name", "ensemble");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(runs.resolve("ensemble/config.json")).contains("\"teachers\": [\n    \"" + teacher + "\",\n    \"" + teacher),
                "an ensemble of two model files");
    }

    @Test
    @DisplayName("distill --temperature 0 (and negative, NaN) is refused before any work")
    void temperatureMustBePositive() throws IOException {
        Path good = logits(TRAIN, 10, 0f);
        for (String t : List.of("0", "-2", "NaN", "Infinity")) {
            distill("--teacher-logits", good.toString(), "--temperature", t).fails(2, "temperature must be > 0").oneLine();
        }
        run("predict", "--data", data.toString(), "--model", good.toString(), "--temperature", "0")
                .fails(2, "--temperature must be > 0").oneLine();
        assertNoWorkDone();
    }

    @Test
    @DisplayName("distill --alpha outside [0, 1] is refused before any work")
    void alphaMustBeAWeight() throws IOException {
        Path good = logits(TRAIN, 10, 0f);
        for (String a : List.of("1.5", "-0.1", "NaN")) {
            distill("--teacher-logits", good.toString(), "--alpha", a).fails(2, "alpha (weight of the hard-label loss) must be in [0, 1]").oneLine();
        }
        assertNoWorkDone();
    }

    @Test
    @DisplayName("teacher logits whose rows or classes do not match the transfer set and the student are refused before training")
    void teacherLogitsMustMatch() throws IOException {
        Path rows = logits(TRAIN - 1, 10, 0f);
        distill("--teacher-logits", rows.toString()).fails(1, rows + ": row count 39, expected 40 (the rows of the transfer file").oneLine();
        Path classes = logits(TRAIN, 5, 0f);
        distill("--teacher-logits", classes.toString()).fails(1, classes + ": class count (columns) 5, expected 10 (the classes of the training labels)").oneLine();
        Path nan = logits(TRAIN, 10, Float.NaN);
        distill("--teacher-logits", nan.toString()).fails(1, nan + ": value at row 0, column 0 is NaN").oneLine();
        distill("--teacher-logits", files.resolve("missing.npy").toString()).fails(1, "file not found: " + files.resolve("missing.npy")).oneLine();
        assertNoWorkDone();
    }

    @Test
    @DisplayName("an unknown or unusable backend is refused before any data is read, listing the backends found")
    void unknownBackend() throws IOException {
        Result r = distill("--teacher-logits", logits(TRAIN, 10, 0f).toString(), "--backend", "nope")
                .fails(1, "backend 'nope' was requested");
        assertTrue(r.err().contains("cpu"), r.err());
        train("--backend", "nope").fails(1, "backend 'nope' was requested");
        run("demo", "--backend", "nope", "--data", files.resolve("no-mnist-here").toString(), "--runs", runs.toString())
                .fails(1, "backend 'nope' was requested");
        train("--threads", "0").fails(2, "--threads must be >= 1, found 0").oneLine();
        assertNoWorkDone();
        assertFalse(Files.exists(files.resolve("no-mnist-here")), "demo must not start fetching MNIST");
    }

    @Test
    @DisplayName("nonsense options are usage errors: the message, a suggestion, where to find help; exit code 2")
    void nonsenseOptions() throws IOException {
        Result r = distill("--temprature", "3").fails(2, "Unknown options: '--temprature'");
        assertTrue(r.err().contains("--temperature"), "suggests the option meant: " + r.err());
        distill("--epochs", "abc").fails(2, "Invalid value for option '--epochs': 'abc' is not an int");
        run("distil").fails(2, "Unmatched argument at index 0: 'distil'");
        train("--epochs", "0").fails(2, "training config: epochs must be >= 1, found 0").oneLine();
        train("--lr", "-1").fails(2, "training config: learning rate must be > 0").oneLine();
        train("--batch", "0").fails(2, "training config: batch size must be >= 1").oneLine();
        train("--clip", "-1").fails(2, "training config: gradient clip norm must be >= 0").oneLine();
        train("--model", "16-x-10").fails(2, "architecture '16-x-10': unknown layer 'x'; expected c<out>k<k>").oneLine();
        train("--model", "20-8-10").fails(2, "--model 20-8-10 takes 20 inputs and has 10 outputs, but the data have 16 features and 10 classes").oneLine();
        train("--input-dropout", "1").fails(2, "input dropout must be in [0, 1)").oneLine();
        train("--max-norm", "-3").fails(2, "max-norm must be >= 0").oneLine();
        train("--train-limit", "0").fails(2, "--train-limit must be >= 1, found 0").oneLine();
        train("--name", "../elsewhere").fails(2, "--name must be a plain folder name").oneLine();
        train("--resume").fails(2, "--resume needs --name").oneLine();
        Path good = logits(TRAIN, 10, 0f);
        distill("--teacher-logits", good.toString(), "--bias-adjust", "12=3.5").fails(2, "--bias-adjust class 12 is outside").oneLine();
        distill("--teacher-logits", good.toString(), "--bias-adjust", "3").fails(2, "--bias-adjust must look like CLASS=DELTA").oneLine();
        distill("--teacher-logits", good.toString(), "--omit-classes", "10").fails(2, "--omit-classes class 10 is outside").oneLine();
        distill("--teacher-logits", good.toString(), "--omit-classes", "1", "--only-classes", "2").fails(2, "--omit-classes and --only-classes").oneLine();
        distill().fails(2, "Missing required argument (specify one of these): (--teacher=<models>");
        distill("--teacher-logits", good.toString(), "--teacher-probs", good.toString())
                .fails(2, "--teacher-logits=<logits>, --teacher-probs=<probabilities> are mutually exclusive");
        distill("--teacher-logits", good.toString(), "--teacher-shifts", "-1").fails(2, "--teacher-shifts must be >= 0").oneLine();
        distill("--teacher-logits", good.toString(), "--teacher-shifts", "2").fails(2, "--teacher-shifts needs --teacher model files").oneLine();
        assertNoWorkDone();
    }

    @Test
    @DisplayName("missing and malformed files are one-line errors naming the file, exit code 1")
    void badFiles() throws IOException {
        Path missing = files.resolve("missing.safetensors");
        run("eval", "--data", data.toString(), "--model", missing.toString()).fails(1, "file not found: " + missing).oneLine();
        Path garbage = files.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        run("eval", "--data", data.toString(), "--model", garbage.toString(), "--backend", "cpu").fails(1, garbage + ": ").oneLine();
        Path empty = files.resolve("empty");
        Files.createDirectories(empty);
        train("--data", empty.toString()).fails(1, empty.resolve(Mnist.TRAIN_IMAGES) + ": MNIST file");
        assertNoWorkDone();
    }

    @Test
    @DisplayName("sweep checks the backend, the student's input size and the teacher logits' shape before making its run folder")
    void sweepChecksBeforeMakingItsRunFolder() throws IOException {
        Path good = logits(TRAIN, 10, 0f);
        withDefaults("sweep", "--temperatures", "2", "--teacher-logits", good.toString(), "--backend", "nope")
                .fails(1, "backend 'nope' was requested");
        withDefaults("sweep", "--temperatures", "2", "--teacher-logits", good.toString(), "--model", "20-8-10")
                .fails(2, "--model 20-8-10 takes 20 inputs and has 10 outputs, but the data have 16 features and 10 classes").oneLine();
        Path rows = logits(TRAIN - 1, 10, 0f);
        withDefaults("sweep", "--temperatures", "2", "--teacher-logits", rows.toString())
                .fails(1, rows + ": row count 39, expected 40 (the rows of the transfer file").oneLine();
        assertNoWorkDone();
    }
}
