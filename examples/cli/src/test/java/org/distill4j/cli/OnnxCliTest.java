package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.distill4j.train.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill4j export} and ONNX teachers in-process: a model trained on a CSV with string labels, run again in ONNX
 * Runtime, and distilled from as an ONNX file.
 */
class OnnxCliTest {
    private static final String[] CLASSES = {"ant", "bee", "cow"};
    private static final int ROWS = 90;

    @TempDir
    static Path dir;

    private static float[] raw;

    @BeforeAll
    static void writeData() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder("height,mass,label\n");
        raw = new float[ROWS * 2];
        for (int i = 0; i < ROWS; i++) {
            int label = i % 3;
            raw[2 * i] = (float) (30 * label + 3 * random.nextGaussian());
            raw[2 * i + 1] = (float) (500 - 100 * label + 20 * random.nextGaussian());
            csv.append(raw[2 * i]).append(',').append(raw[2 * i + 1]).append(',').append(CLASSES[label]).append('\n');
        }
        Files.writeString(dir.resolve("train.csv"), csv);
    }

    private static CliRun.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--backend", "cpu", "--threads", "1"));
        return CliRun.execute(all);
    }

    @Test
    @DisplayName("export writes a graph that takes raw CSV features and predicts what the model file predicts")
    void exportedModelPredictsAsTheModelFile() throws Exception {
        CliRun.Result t = run("train", "--train", dir.resolve("train.csv").toString(), "--hidden", "8", "--epochs", "3", "--batch", "16",
                "--runs", dir.resolve("runs").toString(), "--name", "m");
        assertEquals(0, t.code(), t.err());
        Path model = dir.resolve("runs/m/model.safetensors");
        Path onnx = dir.resolve("m.onnx");
        CliRun.Result e = run("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("of classes ant, bee, cow"), e.out());

        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        try (Classifier classifier = Classifier.load(model);
             OrtSession session = ort.createSession(onnx.toString());
             OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(raw), new long[] {ROWS, 2});
             OrtSession.Result result = session.run(Map.of("features", x))) {
            float[][] logits = (float[][]) result.get(0).getValue();
            int[] expected = classifier.predictBatch(raw, ROWS);
            for (int r = 0; r < ROWS; r++) {
                assertEquals(expected[r], argmax(logits[r]), "row " + r);
            }
            assertEquals("[\"ant\",\"bee\",\"cow\"]", session.getMetadata().getCustomMetadata().get("distill4j.classes"));
        }
    }

    @Test
    @DisplayName("export of a file that is not a model names the file")
    void notAModel() throws Exception {
        Path bogus = dir.resolve("bogus.safetensors");
        Files.writeString(bogus, "not a model");
        CliRun.Result e = run("export", "--model", bogus.toString(), "--onnx", dir.resolve("x.onnx").toString());
        assertEquals(1, e.code());
        assertTrue(e.err().startsWith("error: " + bogus), e.err());
        assertTrue(Files.notExists(dir.resolve("x.onnx")));
    }

    @Test
    @DisplayName("distill --teacher model.onnx trains the same student as the model file it was exported from")
    void onnxTeacherDistillsAsItsModelFile() throws Exception {
        String train = dir.resolve("train.csv").toString();
        String runs = dir.resolve("runs").toString();
        assertEquals(0, run("train", "--train", train, "--hidden", "8", "--epochs", "3", "--batch", "16", "--runs", runs,
                "--name", "teacher").code());
        Path model = dir.resolve("runs/teacher/model.safetensors");
        Path onnx = dir.resolve("teacher.onnx");
        assertEquals(0, run("export", "--model", model.toString(), "--onnx", onnx.toString()).code());

        String[] common = {"distill", "--train", train, "--test", train, "--hidden", "4", "--epochs", "2", "--batch", "16",
                "--runs", runs};
        CliRun.Result fromFile = run(concat(common, "--teacher", model.toString(), "--name", "file"));
        CliRun.Result fromOnnx = run(concat(common, "--teacher", onnx.toString(), "--name", "onnx"));
        assertEquals(0, fromOnnx.code(), fromOnnx.err());
        assertTrue(fromOnnx.out().contains("ONNX input 'features' [N, 2] float32, output 'logits' read as logits"), fromOnnx.out());
        assertEquals(testErrors(fromFile.out()), testErrors(fromOnnx.out()));

        CliRun.Result sweep = run("sweep", "--train", train, "--test", train, "--teacher", onnx.toString(), "--temperatures", "2",
                "--hidden", "4", "--epochs", "1", "--batch", "16", "--runs", runs, "--name", "sweep");
        assertEquals(0, sweep.code(), sweep.err());
        assertTrue(sweep.out().contains("teacher " + onnx + ": ONNX input"), sweep.out());
    }

    @Test
    @DisplayName("an ONNX teacher that does not parse, or does not fit the data, is refused naming the file before a run folder is made")
    void badOnnxTeachers() throws Exception {
        Path broken = dir.resolve("broken.onnx");
        Files.writeString(broken, "garbage");
        String runs = dir.resolve("bad-runs").toString();
        CliRun.Result r = run("distill", "--train", dir.resolve("train.csv").toString(), "--teacher", broken.toString(), "--hidden", "4",
                "--epochs", "1", "--runs", runs, "--name", "bad");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("error: " + broken + ": ONNX Runtime cannot load it"), r.err());
        assertTrue(Files.notExists(Path.of(runs, "bad")));

        CliRun.Result online = run("distill", "--train", dir.resolve("train.csv").toString(), "--teacher", broken.toString(),
                "--online-teacher", "--runs", runs, "--name", "bad-online");
        assertEquals(1, online.code(), online.out());
        assertTrue(online.err().startsWith("error: " + broken + ": ONNX Runtime cannot load it"), online.err());
        assertTrue(Files.notExists(Path.of(runs, "bad-online")));
    }

    @Test
    @DisplayName("eval --model model.onnx runs it in ONNX Runtime and reports what eval of its model file reports")
    void evalOfAnOnnxModelReportsAsItsModelFile() throws Exception {
        Path[] files = trainAndExport("eval");
        String test = dir.resolve("train.csv").toString();
        CliRun.Result ofFile = run("eval", "--model", files[0].toString(), "--test", test);
        CliRun.Result ofOnnx = run("eval", "--model", files[1].toString(), "--test", test);
        assertEquals(0, ofOnnx.code(), ofOnnx.err());
        assertTrue(ofOnnx.out().startsWith(files[1] + ": ONNX input 'features' [N, 2] float32"), ofOnnx.out());
        assertTrue(ofOnnx.out().endsWith(ofFile.out()), ofOnnx.out() + "\nvs\n" + ofFile.out());
        assertTrue(ofFile.out().contains("ant") && ofFile.out().contains("cow"), ofFile.out());
    }

    @Test
    @DisplayName("eval --compare counts the predictions a model and its export agree on and their largest logit difference; --latency times a batch")
    void evalCompareOfAModelAndItsExport() throws Exception {
        Path[] files = trainAndExport("compare");
        CliRun.Result r = run("eval", "--model", files[0].toString(), "--model", files[1].toString(), "--compare", "--test",
                dir.resolve("train.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("on " + ROWS + " test examples: predicted class agrees on " + ROWS + " of " + ROWS), r.out());
        assertTrue(r.out().contains("of the tolerance 1e-4 x max(1, |logit|): within"), r.out());

        CliRun.Result timed = run("eval", "--model", files[1].toString(), "--latency", "5", "--test", dir.resolve("train.csv").toString());
        assertTrue(timed.out().contains(files[1] + ": latency ") && timed.out().contains(" ms per batch of 5 (median of 50 runs)"),
                timed.out());

        CliRun.Result one = run("eval", "--model", files[0].toString(), "--compare", "--test", dir.resolve("train.csv").toString());
        assertEquals(2, one.code());
        assertTrue(one.err().contains("--compare takes exactly two --model files"), one.err());
    }

    @Test
    @DisplayName("eval of an ONNX model that does not parse, or whose features are not the data's, names the file and the mismatch")
    void evalOfBadOnnxModels() throws Exception {
        Path broken = dir.resolve("broken-eval.onnx");
        Files.writeString(broken, "garbage");
        CliRun.Result r = run("eval", "--model", broken.toString(), "--test", dir.resolve("train.csv").toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("error: " + broken + ": ONNX Runtime cannot load it"), r.err());

        Path threeFeatures = dir.resolve("three.csv");
        Files.writeString(threeFeatures, "height,mass,age,label\n1,2,3,ant\n4,5,6,bee\n");
        CliRun.Result wide = run("eval", "--model", trainAndExport("wide")[1].toString(), "--test", threeFeatures.toString());
        assertEquals(1, wide.code(), wide.out());
        assertTrue(wide.err().contains(threeFeatures.toString()) && wide.err().contains("feature"), wide.err());
    }

    @Test
    @DisplayName("distill --online-teacher with an ONNX teacher runs it on each batch and trains the student its model file trains")
    void onlineOnnxTeacherDistillsAsItsModelFile() throws Exception {
        Path[] files = trainAndExport("online");
        String train = dir.resolve("train.csv").toString();
        String[] common = {"distill", "--train", train, "--test", train, "--online-teacher", "--hidden", "4", "--epochs", "2",
                "--batch", "16", "--runs", dir.resolve("runs").toString()};
        CliRun.Result fromFile = run(concat(common, "--teacher", files[0].toString(), "--name", "online-file"));
        CliRun.Result fromOnnx = run(concat(common, "--teacher", files[1].toString(), "--name", "online-onnx"));
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(0, fromOnnx.code(), fromOnnx.err());
        assertTrue(fromOnnx.out().contains("teacher run on each batch: " + files[1]), fromOnnx.out());
        assertEquals(testErrors(fromFile.out()), testErrors(fromOnnx.out()));
    }

    @Test
    @DisplayName("--hint with an ONNX teacher is refused: distill4j reads only the graph's output, not a hidden layer")
    void hintNeedsAHiddenLayerThatOnnxTeachersDoNotGive() throws Exception {
        Path[] files = trainAndExport("hint");
        CliRun.Result r = run("distill", "--train", dir.resolve("train.csv").toString(), "--teacher", files[1].toString(), "--hint", "1:1",
                "--runs", dir.resolve("runs").toString(), "--name", "hinted");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--hint needs a hidden layer of the teacher, which an ONNX teacher does not give"), r.err());
        assertTrue(Files.notExists(dir.resolve("runs/hinted")));
    }

    /** A model trained on train.csv as {@code name}, and its ONNX export: {model file, .onnx}. */
    private static Path[] trainAndExport(String name) {
        CliRun.Result t = run("train", "--train", dir.resolve("train.csv").toString(), "--hidden", "8", "--epochs", "3", "--batch", "16",
                "--runs", dir.resolve("runs").toString(), "--name", name);
        assertEquals(0, t.code(), t.err());
        Path model = dir.resolve("runs/" + name + "/model.safetensors");
        Path onnx = dir.resolve(name + ".onnx");
        assertEquals(0, run("export", "--model", model.toString(), "--onnx", onnx.toString()).code());
        return new Path[] {model, onnx};
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String testErrors(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test errors: (\\d+) of (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group();
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            best = row[c] > row[best] ? c : best;
        }
        return best;
    }
}
