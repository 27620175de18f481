package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.distill4j.io.Npy;
import org.distill4j.train.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own data through the command line, in-process: CSV files with a header and string labels, {@code .npy}
 * features with label files, IDX files under any name, a teacher's probabilities from another framework. The data
 * are three well-separated clusters in 4 features (one of them constant), so every model should classify the test
 * set almost perfectly; each run uses one CPU thread, batches of 16 and a few epochs.
 */
class OwnDataCliTest {
    private static final String[] CLASSES = {"cat", "dog", "fish"};
    private static final int TRAIN = 150;
    private static final int TEST = 60;

    @TempDir
    static Path data;

    @TempDir
    Path runs;

    private static float[] example(int label, SplittableRandom random) {
        return new float[] {
                (float) (10 * label + random.nextGaussian()),
                (float) (100 - 20 * label + 2 * random.nextGaussian()),
                7f,
                (float) (0.01 * label + 0.001 * random.nextGaussian())};
    }

    @BeforeAll
    static void writeData() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        for (String set : List.of("train", "test")) {
            int n = set.equals("train") ? TRAIN : TEST;
            StringBuilder csv = new StringBuilder("size,weight,legs,label,ratio\n");
            float[] features = new float[n * 4];
            StringBuilder labelLines = new StringBuilder();
            ByteBuffer images = ByteBuffer.allocate(16 + n * 4).putInt(0x803).putInt(n).putInt(2).putInt(2);
            ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                int label = i % 3;
                float[] x = example(label, random);
                csv.append(x[0]).append(',').append(x[1]).append(',').append(x[2]).append(',').append(CLASSES[label]).append(',')
                        .append(x[3]).append('\n');
                System.arraycopy(x, 0, features, 4 * i, 4);
                labelLines.append(CLASSES[label]).append('\n');
                for (int p = 0; p < 4; p++) {
                    images.put((byte) (p == label ? 200 + random.nextInt(56) : random.nextInt(60)));
                }
                labels.put((byte) label);
            }
            Files.writeString(data.resolve(set + ".csv"), csv);
            Npy.write(data.resolve(set + "-x.npy"), n, 4, features);
            Files.writeString(data.resolve(set + "-y.txt"), labelLines);
            Files.write(data.resolve(set + ".images"), images.array());
            Files.write(data.resolve(set + ".labels"), labels.array());
        }
    }

    private static String file(String name) {
        return data.resolve(name).toString();
    }

    private CliRun.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!List.of("eval", "predict").contains(args[0])) {
            all.addAll(List.of("--runs", runs.toString(), "--batch", "16"));
        }
        all.addAll(List.of("--backend", "cpu", "--threads", "1"));
        return CliRun.execute(all);
    }

    @Test
    @DisplayName("the README's flow on a CSV with a header and string labels: train, eval, distill, predict prints class names")
    void csvFlow() throws Exception {
        CliRun.Result t = run("train", "--train", file("train.csv"), "--test", file("test.csv"), "--model", "4-16-3", "--epochs", "5",
                "--name", "t").ok();
        assertTrue(t.testErrors() <= 3, t.out());
        assertTrue(t.out().contains("preprocessing standardize"), t.out());
        assertTrue(t.out().contains("the last one is kept"), t.out());
        Path teacher = runs.resolve("t/model.safetensors");
        CliRun.Result e = run("eval", "--model", teacher.toString(), "--test", file("test.csv")).ok();
        assertEquals(t.testErrors(), e.testErrors(), "eval gives what train reported");
        assertTrue(e.out().contains("cat:"), e.out());

        CliRun.Result s = run("distill", "--train", file("train.csv"), "--test", file("test.csv"), "--teacher", teacher.toString(),
                "--hidden", "8", "--epochs", "5", "--name", "s").ok();
        assertTrue(s.testErrors() <= 3, s.out());
        Path student = runs.resolve("s/student.safetensors");
        CliRun.Result p = run("predict", "--model", student.toString(), "--input", file("test.csv")).ok();
        assertEquals(TEST, p.out().lines().filter(l -> l.startsWith("row ")).count(), p.out());
        assertTrue(p.out().lines().findFirst().orElseThrow().matches("row 0: cat \\(p=.*\\), label cat;.*"), p.out());

        try (Classifier c = Classifier.load(student)) {
            assertEquals(List.of("cat", "dog", "fish"), c.classNames().orElseThrow());
            assertEquals(List.of("size", "weight", "legs", "ratio"), c.featureNames().orElseThrow());
            assertEquals("fish", c.predictName(new float[] {20, 60, 7, 0.02f}), "raw features, scaled by the model itself");
        }
    }

    @Test
    @DisplayName("every --method distills the CSV teacher, from cached logits and with --online-teacher (also with --mixup), with FitNets hints; bad combinations are refused")
    void methodsAndOnlineTeacher() throws IOException {
        run("train", "--train", file("train.csv"), "--test", file("test.csv"), "--hidden", "16", "--epochs", "5", "--name", "mt").ok();
        String teacher = runs.resolve("mt/model.safetensors").toString();
        for (String method : List.of("kd", "dkd", "dist", "kd-ls", "logits")) {
            for (boolean online : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(List.of("distill", "--train", file("train.csv"), "--test", file("test.csv"),
                        "--teacher", teacher, "--hidden", "8", "--epochs", "5", "--method", method, "-T", "2", "--dkd-warmup", "2",
                        "--name", method + online));
                if (online) {
                    args.add("--online-teacher");
                }
                CliRun.Result s = run(args.toArray(String[]::new)).ok();
                assertTrue(s.testErrors() <= 3, method + (online ? " online" : "") + ": " + s.out());
                assertTrue(s.out().contains("distillation (" + method + (online ? ", teacher run on each batch" : "")), s.out());
            }
        }
        CliRun.Result mixed = run("distill", "--train", file("train.csv"), "--test", file("test.csv"), "--teacher", teacher, "--hidden", "8",
                "--epochs", "5", "--online-teacher", "--mixup", "0.4", "--name", "mix").ok();
        assertTrue(mixed.testErrors() <= 3, mixed.out());
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--mixup", "0.4", "--name", "x")
                .fails("--mixup changes the inputs every step", "add --online-teacher");
        for (String stage : List.of("0", "2")) {
            CliRun.Result h = run("distill", "--train", file("train.csv"), "--test", file("test.csv"), "--teacher", teacher, "--hidden", "8",
                    "--epochs", "10", "--hint", "1:1", "--hint-weight", "0.5", "--hint-epochs", stage, "--name", "hint" + stage).ok();
            assertTrue(h.testErrors() <= 3, h.out());
            assertTrue(h.out().contains(stage.equals("0") ? "+ 0.500 * hint MSE(regressor(student hidden 1), teacher hidden 1)"
                    : "FitNets: 0.500 * hint MSE(regressor(student hidden 1), teacher hidden 1) for 2 epochs, then distillation"), h.out());
            try (Classifier c = Classifier.load(runs.resolve("hint" + stage + "/student.safetensors"))) {
                assertEquals("fish", c.predictName(new float[] {20, 60, 7, 0.02f}), "the student loads as any model");
            }
        }
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--hint", "1-1", "--name", "x")
                .fails("--hint must look like S:T");
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--hint", "2:1", "--name", "x")
                .fails("the student 4-8-3 has 1 hidden layers");
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--hint", "1:3", "--name", "x")
                .fails("hidden layer 3 does not exist: the model has 1");
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--teacher", teacher, "--hidden", "8", "--hint", "1:1",
                "--name", "x").fails("--hint needs exactly one --teacher model file");
        CliRun.Result deprecated = run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--epochs", "1",
                "--match-logits", "--name", "ml").ok();
        assertTrue(deprecated.err().contains("--match-logits is deprecated; use --method logits"), deprecated.err());
        assertTrue(deprecated.out().contains("distillation (logits)"), deprecated.out());
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--method", "dkt", "--name", "x")
                .fails("--method dkt is not one of kd, dkd, dist, kd-ls, logits");
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--method", "dkd", "--dkd-beta", "-1",
                "--name", "x").fails("DKD non-target weight (--dkd-beta) must be >= 0");
        run("distill", "--train", file("train.csv"), "--teacher", teacher, "--hidden", "8", "--online-teacher", "--preprocess", "none",
                "--name", "x").fails("--online-teacher: teacher", "takes inputs preprocessed as standardize");
        run("distill", "--train", file("train.csv"), "--teacher-probs", file("train-x.npy"), "--hidden", "8", "--online-teacher",
                "--name", "x").fails("--online-teacher runs --teacher model files");
    }

    @Test
    @DisplayName("a validation split chooses the kept epoch, and the run says which epoch it saved")
    void validationSplit() {
        CliRun.Result t = run("train", "--train", file("train.csv"), "--test", file("test.csv"), "--val-fraction", "0.2",
                "--hidden", "8", "--epochs", "4", "--patience", "2", "--name", "v").ok();
        assertTrue(t.out().contains("120 training, 30 validation, 60 test examples"), t.out());
        assertTrue(Pattern.compile("kept epoch \\d of 4 \\(best on validation, \\d+ errors\\); validation \\d+ errors of 30")
                .matcher(t.out()).find(), t.out());
    }

    @Test
    @DisplayName(".npy features with a text label file, and IDX images and labels under any name")
    void npyAndIdx() {
        CliRun.Result n = run("train", "--train", file("train-x.npy"), "--train-labels", file("train-y.txt"), "--test", file("test-x.npy"),
                "--test-labels", file("test-y.txt"), "--hidden", "16", "--epochs", "5", "--name", "npy").ok();
        assertTrue(n.testErrors() <= 3, n.out());
        run("predict", "--model", runs.resolve("npy/model.safetensors").toString(), "--input", file("test-x.npy"),
                "--index", "0").fails("either --input");
        CliRun.Result i = run("train", "--train", file("train.images"), "--train-labels", file("train.labels"), "--test",
                file("test.images"), "--test-labels", file("test.labels"), "--hidden", "16", "--epochs", "8", "--lr", "0.2",
                "--name", "idx").ok();
        assertTrue(i.out().contains("preprocessing none"), i.out());
        assertTrue(i.testErrors() <= 6, i.out());
    }

    @Test
    @DisplayName("a teacher's probabilities from another framework, for a subset of rows named by a row-id file")
    void importedProbabilities() throws IOException {
        int rows = 100;
        float[] p = new float[rows * 3];
        StringBuilder ids = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            int fileRow = TRAIN - 1 - r;
            int label = fileRow % 3;
            p[3 * r + label] = 0.9f;
            p[3 * r + (label + 1) % 3] = 0.1f;
            ids.append(fileRow).append('\n');
        }
        Path probs = data.resolve("probs.npy");
        Npy.write(probs, rows, 3, p);
        Path rowIds = data.resolve("probs-rows.txt");
        Files.writeString(rowIds, ids);
        CliRun.Result s = run("distill", "--train", file("train.csv"), "--test", file("test.csv"), "--teacher-probs", probs.toString(),
                "--teacher-rows", rowIds.toString(), "-T", "2", "--hidden", "8", "--epochs", "5", "--name", "probs").ok();
        assertTrue(s.out().contains("covers 100 of 150 transfer examples"), s.out());
        assertTrue(s.out().contains("100 rows had probabilities below"), s.out());
        assertTrue(s.testErrors() <= 3, s.out());
        run("distill", "--train", file("train.csv"), "--teacher-probs", probs.toString(), "--hidden", "8", "--name", "rows")
                .fails("row count 100, expected 150");
    }

    @Test
    @DisplayName("bad data are refused naming the file, line and column, before any run folder is made")
    void badData() throws IOException {
        Path missing = data.resolve("missing.csv");
        Files.writeString(missing, "size,weight,legs,label,ratio\n1,2,7,cat,0.1\n3,,7,dog,0.2\n11,80,7,dog,0.01\n21,60,7,fish,0.02\n");
        run("train", "--train", missing.toString(), "--hidden", "4", "--name", "m").fails(missing.toString(), "line 3", "weight");
        assertFalse(Files.exists(runs.resolve("m")));
        run("train", "--train", missing.toString(), "--hidden", "4", "--epochs", "1", "--impute", "mean", "--name", "m").ok();

        Path unknown = data.resolve("unknown-class.csv");
        Files.writeString(unknown, "size,weight,legs,label,ratio\n1,2,7,bird,0.1\n");
        run("train", "--train", file("train.csv"), "--test", unknown.toString(), "--hidden", "4", "--name", "u")
                .fails(unknown.toString(), "line 2", "bird");

        Path renamed = data.resolve("renamed.csv");
        Files.writeString(renamed, "size,mass,legs,label,ratio\n1,2,7,cat,0.1\n");
        run("train", "--train", file("train.csv"), "--hidden", "4", "--epochs", "1", "--name", "r").ok();
        run("predict", "--model", runs.resolve("r/model.safetensors").toString(), "--input", renamed.toString())
                .fails(renamed.toString(), "mass");
    }
}
