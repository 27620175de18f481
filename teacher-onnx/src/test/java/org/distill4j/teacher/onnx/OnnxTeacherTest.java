package org.distill4j.teacher.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import onnx.Onnx.TensorProto;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.cpu.CpuBackend;
import org.distill4j.data.Dataset;
import org.distill4j.data.Preprocessing;
import org.distill4j.distill.BatchTeacher;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.distill.TeacherModel;
import org.distill4j.distill.TeacherModels;
import org.distill4j.distill.TeacherSource;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Linear;
import org.distill4j.nn.Relu;
import org.distill4j.nn.Sequential;
import org.distill4j.onnx.OnnxExporter;
import org.distill4j.train.Batch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --teacher model.onnx}: ONNX models as teachers, through core's TeacherSource and the ServiceLoader. */
class OnnxTeacherTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static Backend backend;

    @TempDir Path dir;

    @BeforeAll
    static void start() {
        backend = new CpuBackend(1, true);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void anExportedStudentAsOnnxTeacherGivesTheLogitsOfItsModelFile() throws Exception {
        Path safetensors = dir.resolve("student.safetensors");
        Path onnx = dir.resolve("student.onnx");
        saveModel(safetensors, onnx);
        TeacherSource.Transfer transfer = TeacherSource.Transfer.whole(data(700, FEATURES, 1));

        float[] expected = logits(new TeacherSource.Models(List.of(safetensors), TeacherLogits.Combine.PROBABILITIES, 0), transfer);
        TeacherSource.Aligned fromOnnx = new TeacherSource.Models(List.of(onnx), TeacherLogits.Combine.PROBABILITIES, 0)
                .logits(backend, transfer, 1f);
        float[] actual = fromOnnx.logits().toArray();
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            worst = Math.max(worst, diff);
            assertTrue(diff <= 1e-4 * Math.max(1, Math.abs(expected[i])), "logit " + i + ": " + expected[i] + " vs " + actual[i]);
        }
        System.out.printf("round trip over 700 examples (3 batches): max abs difference %.2e%n", worst);
        assertTrue(fromOnnx.report().contains("read as logits"), fromOnnx.report());
    }

    @Test
    void anEnsembleMayMixOnnxAndDistill4jTeachers() throws Exception {
        Path safetensors = dir.resolve("student.safetensors");
        Path onnx = dir.resolve("student.onnx");
        saveModel(safetensors, onnx);
        TeacherSource.Transfer transfer = TeacherSource.Transfer.whole(data(20, FEATURES, 2));
        float[] alone = logits(new TeacherSource.Models(List.of(safetensors), TeacherLogits.Combine.LOGITS, 0), transfer);
        float[] mixed = logits(new TeacherSource.Models(List.of(safetensors, onnx), TeacherLogits.Combine.LOGITS, 0), transfer);
        for (int i = 0; i < alone.length; i++) {
            assertEquals(alone[i], mixed[i], 1e-4f * Math.max(1, Math.abs(alone[i])));
        }
    }

    @Test
    void onlineAnOnnxTeacherScoresEachBatchOfStudentInputsAsItsModelFileDoes() throws Exception {
        Path safetensors = dir.resolve("student.safetensors");
        Path onnx = dir.resolve("student.onnx");
        Preprocessing prep = saveModel(safetensors, onnx);
        Dataset raw = data(6, FEATURES, 12);
        float[] inputs = prep.transform(features(raw), raw.size());
        try (ModelFile.Saved file = ModelFile.read(backend, safetensors);
             TeacherModel model = TeacherModels.open(onnx, Map.of());
             Scope scope = backend.newScope()) {
            Batch batch = new Batch(new int[] {5, 4, 3, 2, 1, 0}, scope.tensor(inputs, 6, FEATURES), scope.tensor(6), 0);
            float[] expected = BatchTeacher.online(List.of(file.model()), TeacherLogits.Combine.LOGITS, 1f).logits(batch, scope).toArray();
            BatchTeacher foreign = new BatchTeacher.Online(List.of(BatchTeacher.Member.Foreign.of(model, onnx, prep)),
                    TeacherLogits.Combine.LOGITS, 1f);
            foreign.checkFits(raw, CLASSES);
            float[] actual = foreign.logits(batch, scope).toArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4f * Math.max(1, Math.abs(expected[i])), "logit " + i);
            }
        }
    }

    @Test
    void onlineAnOnnxTeacherThatGivesNaNStopsAtTheBatchExample() throws Exception {
        Path file = ForeignGraphs.logOf(dir.resolve("log.onnx"));
        Preprocessing none = Preprocessing.none(3);
        try (TeacherModel model = TeacherModels.open(file, Map.of("output-kind", "logits"));
             Scope scope = backend.newScope()) {
            BatchTeacher teacher = new BatchTeacher.Online(List.of(BatchTeacher.Member.Foreign.of(model, file, none)),
                    TeacherLogits.Combine.LOGITS, 1f);
            Batch batch = new Batch(new int[] {40, 41}, scope.tensor(new float[] {1, 1, 1, 1, -1, 1}, 2, 3), scope.tensor(2), 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> teacher.logits(batch, scope));
            assertTrue(e.getMessage().startsWith("teacher " + file + " gave NaN for transfer example 41 (class 1)"), e.getMessage());
        }
    }

    @Test
    void shiftAveragedTargetsOfAnOnnxTeacherAreThoseOfItsModelFile() throws Exception {
        Path safetensors = dir.resolve("plain.safetensors");
        Path onnx = dir.resolve("plain.onnx");
        saveModel(safetensors, onnx, Preprocessing.none(FEATURES));
        Dataset d = data(30, FEATURES, 13);
        TeacherSource.Transfer images = TeacherSource.Transfer.whole(new Dataset(features(d), FEATURES, d.labels(), CLASSES,
                new Dataset.ImageShape(1, 2, 2)));
        float[] expected = new TeacherSource.Models(List.of(safetensors), TeacherLogits.Combine.PROBABILITIES, 1)
                .logits(backend, images, 3f).logits().toArray();
        TeacherSource.Aligned fromOnnx = new TeacherSource.Models(List.of(onnx), TeacherLogits.Combine.PROBABILITIES, 1)
                .logits(backend, images, 3f);
        float[] actual = fromOnnx.logits().toArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * Math.max(1, Math.abs(expected[i])), "logit " + i);
        }
        assertTrue(fromOnnx.report().contains("soft targets averaged over 9 shifts of the raw images"), fromOnnx.report());
    }

    @Test
    void withShiftsANaNOutputStopsTheRunAtItsTransferExample() throws Exception {
        Path file = ForeignGraphs.sqrtOfImage(dir.resolve("sqrt.onnx"));
        float[] x = new float[5001 * 4];
        java.util.Arrays.fill(x, 1f);
        java.util.Arrays.fill(x, 5000 * 4, 5001 * 4, -1f);
        TeacherSource.Transfer images = TeacherSource.Transfer.whole(new Dataset(x, 4, new int[5001], CLASSES,
                new Dataset.ImageShape(1, 2, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TeacherSource.Models(List.of(file),
                TeacherLogits.Combine.PROBABILITIES, 1).logits(backend, images, 1f));
        assertTrue(e.getMessage().startsWith("teacher " + file + " gave NaN for transfer example 5000"), e.getMessage());
    }

    @Test
    void anExportedFileSaysItsFeatureAndClassCountsAndNames() throws Exception {
        Path onnx = dir.resolve("named.onnx");
        try (Sequential model = mlp(Preprocessing.none(FEATURES))) {
            OnnxExporter.write(model, new ModelSchema(Preprocessing.none(FEATURES), List.of("a", "b", "c", "d"),
                    List.of("ant", "bee", "cow"), null), onnx);
        }
        try (TeacherModel model = TeacherModels.open(onnx, Map.of())) {
            assertEquals(new TeacherModel.Signature(FEATURES, CLASSES, List.of("a", "b", "c", "d"), List.of("ant", "bee", "cow")),
                    model.signature());
        }
        try (TeacherModel image = TeacherModels.open(ForeignGraphs.logOf(dir.resolve("log.onnx")), Map.of())) {
            assertEquals(new TeacherModel.Signature(3, 3, null, null), image.signature());
        }
    }

    @Test
    void imageShapedFloat64ProbabilitiesBecomeLogPOfTheirSoftmax() throws Exception {
        Path file = ForeignGraphs.softmaxOfImage(dir.resolve("image.onnx"), TensorProto.DataType.DOUBLE_VALUE, 0);
        Dataset raw = data(10, 4, 3);
        TeacherSource.Aligned a = new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0)
                .logits(backend, TeacherSource.Transfer.whole(raw), 1f);
        assertEquals(4, a.logits().classes());
        float[] got = a.logits().toArray();
        float[] x = new float[4];
        for (int r = 0; r < 10; r++) {
            raw.features(r, x);
            double max = Math.max(Math.max(x[0], x[1]), Math.max(x[2], x[3]));
            double sum = 0;
            for (float v : x) {
                sum += Math.exp(v - max);
            }
            for (int c = 0; c < 4; c++) {
                assertEquals(x[c] - max - Math.log(sum), got[r * 4 + c], 1e-4, "row " + r + ", class " + c);
            }
        }
        assertTrue(a.report().contains("[N, 1, 2, 2] float64") && a.report().contains("read as probabilities"), a.report());
    }

    @Test
    void aFixedBatchSizeIsRunInChunksOfIt() throws Exception {
        Path file = ForeignGraphs.softmaxOfImage(dir.resolve("fixed.onnx"), TensorProto.DataType.FLOAT_VALUE, 3);
        TeacherSource.Aligned a = new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0)
                .logits(backend, TeacherSource.Transfer.whole(data(7, 4, 4)), 1f);
        assertEquals(7, a.logits().rows());
    }

    @Test
    void declaringLogitsOverridesTheOutputsName() throws Exception {
        Path file = ForeignGraphs.softmaxOfImage(dir.resolve("image.onnx"), TensorProto.DataType.FLOAT_VALUE, 0);
        TeacherSource.Aligned a = new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0,
                Map.of("output-kind", "logits")).logits(backend, TeacherSource.Transfer.whole(data(2, 4, 5)), 1f);
        assertTrue(a.report().contains("read as logits (as declared)"), a.report());
    }

    @Test
    void theInputShapeIsCheckedAgainstTheDataBeforeAnyBatch() throws Exception {
        Path file = ForeignGraphs.softmaxOfImage(dir.resolve("image.onnx"), TensorProto.DataType.FLOAT_VALUE, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> logits(
                new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0),
                TeacherSource.Transfer.whole(data(5, 5, 6))));
        assertEquals("teacher " + file + ": input shape [N, 1, 2, 2] takes 4 values per example, the data have 5 features"
                + " (input 'image')", e.getMessage());
    }

    @Test
    void aNaNOutputStopsTheRunAtItsExample() throws Exception {
        Path file = ForeignGraphs.logOf(dir.resolve("log.onnx"));
        float[] x = new float[300 * 3];
        java.util.Arrays.fill(x, 1f);
        x[3 * 290 + 1] = -1f;
        Dataset raw = new Dataset(x, 3, new int[300], 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> logits(
                new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0, Map.of("output-kind", "logits")),
                TeacherSource.Transfer.whole(raw)));
        assertTrue(e.getMessage().startsWith("teacher " + file + " gave NaN for transfer example 290 (class 1)"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxIsADataFormatErrorNamingIt() throws Exception {
        Path file = dir.resolve("broken.onnx");
        Files.writeString(file, "not protobuf at all");
        DataFormatException e = assertThrows(DataFormatException.class, () -> logits(
                new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0),
                TeacherSource.Transfer.whole(data(2, 4, 7))));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("ONNX Runtime cannot load it"), e.getMessage());
    }

    @Test
    void aThreadCountRunsTheModelOnThatManyThreadsAndMustBePositive() throws Exception {
        Path file = ForeignGraphs.logOf(dir.resolve("log.onnx"));
        TeacherSource.Aligned a = new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0,
                Map.of("output-kind", "logits", "threads", "1")).logits(backend, TeacherSource.Transfer.whole(new Dataset(new float[] {1, 2, 3, 4, 5, 6}, 3, new int[2], 3)), 1f);
        assertEquals((float) Math.log(5), a.logits().toArray()[4], 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxTeacherOptions.of(Map.of("threads", "0")));
        assertEquals("ONNX threads '0', expected a count >= 1", e.getMessage());
    }

    @Test
    void anOutputNameTheModelLacksIsNamedWithTheOnesItHas() throws Exception {
        Path file = ForeignGraphs.logOf(dir.resolve("log.onnx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> logits(
                new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0, Map.of("output", "logits")),
                TeacherSource.Transfer.whole(data(2, 3, 8))));
        assertEquals("teacher " + file + " has no output 'logits'; its outputs: [scores]", e.getMessage());
    }

    @Test
    void aModelThatPyTorchExportedIsATeacher() throws Exception {
        Path file = dir.resolve("torch-image-softmax.onnx");
        try (var in = OnnxTeacherTest.class.getResourceAsStream("torch-image-softmax.onnx")) {
            Files.copy(in, file);
        }
        Dataset raw = data(9, 4, 9);
        TeacherSource.Aligned a = new TeacherSource.Models(List.of(file), TeacherLogits.Combine.PROBABILITIES, 0)
                .logits(backend, TeacherSource.Transfer.whole(raw), 1f);
        assertTrue(a.report().contains("input 'image' [N, 1, 2, 2] float32, output 'probabilities' read as probabilities"),
                a.report());
        float[] got = a.logits().toArray();
        float[] x = new float[4];
        for (int r = 0; r < 9; r++) {
            raw.features(r, x);
            double[] z = new double[3];
            for (int i = 0; i < 3; i++) {
                z[i] = new double[] {0.1, -0.2, 0.3}[i];
                for (int j = 0; j < 4; j++) {
                    z[i] += 0.1 * (i + 1) * (j - 1.5) * x[j];
                }
            }
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double logSum = Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max) + Math.exp(z[2] - max));
            for (int c = 0; c < 3; c++) {
                assertEquals(z[c] - max - logSum, got[r * 3 + c], 1e-4, "row " + r + ", class " + c);
            }
        }
    }

    private static float[] logits(TeacherSource source, TeacherSource.Transfer transfer) throws Exception {
        return source.logits(backend, transfer, 1f).logits().toArray();
    }

    /** A standardizing 4-8-3 MLP saved both as a model file and as ONNX; its preprocessing. */
    private static Preprocessing saveModel(Path safetensors, Path onnx) throws Exception {
        Preprocessing prep = Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {1, 2, 3, 4},
                new float[] {0.5f, 2f, 1f, 0.25f}, null);
        saveModel(safetensors, onnx, prep);
        return prep;
    }

    private static void saveModel(Path safetensors, Path onnx, Preprocessing prep) throws Exception {
        ModelSchema schema = new ModelSchema(prep, null, null, null);
        try (Sequential model = mlp(prep)) {
            ModelFile.save(model, schema, safetensors, Map.of());
            OnnxExporter.write(model, schema, onnx);
        }
    }

    private static Sequential mlp(Preprocessing prep) {
        SplittableRandom random = new SplittableRandom(11);
        Linear hidden = new Linear(backend, "layers.0", FEATURES, 8, 0f);
        hidden.initialize(Linear.Init.HE, random);
        Linear out = new Linear(backend, "layers.2", 8, CLASSES, 0f);
        out.initialize(Linear.Init.XAVIER, random);
        return new Sequential(backend, prep.featureCount(), List.of(hidden, new Relu(), out));
    }

    private static float[] features(Dataset d) {
        float[] x = new float[d.size() * d.featureCount()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, x, i * d.featureCount());
        }
        return x;
    }

    private static Dataset data(int rows, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * random.nextGaussian());
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % CLASSES;
        }
        return new Dataset(x, features, labels, CLASSES);
    }
}
