package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Convolutional networks through the command line, in-process, on IDX images the test writes: 8 x 8 images of three
 * classes (a bright 3 x 3 square in one of three places, on noise). A CNN teacher from an architecture string, distilled
 * into an MLP (online, with jitter and a hint from a CNN layer) and into a small CNN; the errors a user can make.
 */
class CnnCliTest {
    private static final int SIDE = 8;
    private static final String TEACHER = "1x8x8-c8k3-bn-relu-p2-r(c8k3-bn-relu-c8k3-bn)-relu-fc16-3";

    @TempDir
    static Path data;

    @TempDir
    Path runs;

    @BeforeAll
    static void writeImages() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        for (String set : List.of("train", "test")) {
            int n = set.equals("train") ? 240 : 90;
            ByteBuffer images = ByteBuffer.allocate(16 + n * SIDE * SIDE).putInt(0x803).putInt(n).putInt(SIDE).putInt(SIDE);
            ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int label = i % 3;
                int top = 1 + random.nextInt(2);
                int left = 1 + 2 * label;
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        boolean square = y >= top && y < top + 3 && x >= left && x < left + 3;
                        images.put((byte) (square ? 180 + random.nextInt(70) : random.nextInt(50)));
                    }
                }
                labels.put((byte) label);
            }
            Files.write(data.resolve(set + ".images"), images.array());
            Files.write(data.resolve(set + ".labels"), labels.array());
        }
    }

    private static List<String> data(String... more) {
        List<String> args = new ArrayList<>(List.of("--train", data.resolve("train.images").toString(), "--train-labels",
                data.resolve("train.labels").toString(), "--test", data.resolve("test.images").toString(), "--test-labels",
                data.resolve("test.labels").toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** Runs a command with this test's run folder, small batches and one CPU thread. */
    private CliRun.Result run(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        if (!command.equals("eval")) {
            all.addAll(List.of("--runs", runs.toString(), "--batch", "16"));
        }
        all.addAll(List.of("--backend", "cpu", "--threads", "1"));
        return CliRun.execute(all);
    }

    @Test
    @DisplayName("a CNN teacher from an architecture string, distilled into an MLP (online, jittered, hinted) and into a CNN")
    void cnnTeacherAndStudents() {
        CliRun.Result t = run("train", data("--model", TEACHER, "--epochs", "6", "--jitter", "1", "--name", "t")).ok();
        assertTrue(t.testErrors() <= 3, t.out());
        String teacher = runs.resolve("t/model.safetensors").toString();
        CliRun.Result mlp = run("distill", data("--teacher", teacher, "--hidden", "32", "--epochs", "8", "--online-teacher",
                "--jitter", "1", "--hint", "1:2", "--hint-weight", "0.1", "-T", "2", "--name", "mlp")).ok();
        assertTrue(mlp.testErrors() <= 6, mlp.out());
        assertTrue(mlp.out().contains("hint MSE(regressor(student hidden 1), teacher hidden 2)"), mlp.out());
        CliRun.Result cnn = run("distill", data("--teacher", teacher, "--model", "1x8x8-c4k3-relu-p2-fc8-3", "--epochs", "8",
                "--method", "dist", "-T", "1", "--name", "cnn")).ok();
        assertTrue(cnn.testErrors() <= 6, cnn.out());
        CliRun.Result eval = run("eval", List.of("--model", runs.resolve("cnn/student.safetensors").toString(), "--test",
                data.resolve("test.images").toString(), "--test-labels", data.resolve("test.labels").toString()));
        assertEquals(cnn.testErrors(), eval.ok().testErrors(), "eval of the saved CNN student gives the run's test errors");
    }

    @Test
    @DisplayName("architecture strings that do not fit the data or the options are refused before any run folder")
    void badArchitectures() throws IOException {
        run("train", data("--model", "1x9x9-c4k3-relu-fc8-3", "--name", "x"))
                .fails("--model 1x9x9-c4k3-relu-fc8-3 takes 1x9x9 inputs", "the data have 1x8x8 images (64 features)");
        run("train", data("--model", "2x4x8-c4k3-relu-fc8-3", "--name", "x")).fails("takes 2x4x8 images", "1x8x8 images");
        run("train", data("--model", "1x8x8-c4k3-relu-fc8-4", "--name", "x")).fails("has 4 outputs", "3 classes");
        run("train", data("--model", "1x8x8-c4k3-relu-p16-3", "--name", "x")).fails("does not fit");
        run("train", data("--model", "1x8x8-c4k3-relu-fc8-3", "--input-dropout", "0.2", "--name", "x"))
                .fails("apply to MLP widths only", "write dropout as d<p>");
        assertTrue(!Files.exists(runs.resolve("x")), "no run folder for a refused command");
    }
}
