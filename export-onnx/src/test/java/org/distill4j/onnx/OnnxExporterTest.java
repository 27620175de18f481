package org.distill4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.distill4j.backend.Backend;
import org.distill4j.backend.cpu.CpuBackend;
import org.distill4j.data.Preprocessing;
import org.distill4j.io.ModelFile;
import org.distill4j.io.ModelSchema;
import org.distill4j.nn.Sequential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.distill4j.nn.ArchitectureSpec;
import org.distill4j.nn.BatchNorm;
import org.distill4j.nn.Layer;
import org.junit.jupiter.api.io.TempDir;

/** An exported model, run by ONNX Runtime on raw features, gives the logits distill4j gives. */
class OnnxExporterTest {
    private static final int FEATURES = 7;
    private static final int CLASSES = 4;

    private static Backend backend;
    private static OrtEnvironment ort;

    @TempDir Path dir;

    @BeforeAll
    static void start() {
        backend = new CpuBackend(1, true);
        ort = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void aStandardizedModelTakesRawFeaturesAndGivesDistill4jsLogits() throws Exception {
        ModelSchema schema = TinyModels.schema(TinyModels.standardize(FEATURES, null, 1), null, null);
        assertSameLogits(schema, TinyModels.rawRows(53, FEATURES, 0, 2), 53);
    }

    @Test
    void aModelWithImputationFillsMissingFeaturesInTheGraph() throws Exception {
        float[] fill = TinyModels.rawRows(1, FEATURES, 0, 3);
        ModelSchema schema = TinyModels.schema(TinyModels.standardize(FEATURES, fill, 4), null, null);
        float[] raw = TinyModels.rawRows(40, FEATURES, 5, 5);
        assertTrue(Float.isNaN(raw[3]), "the inputs have missing values");
        assertSameLogits(schema, raw, 40);
    }

    @Test
    void aModelWithoutPreprocessingHasOnlyItsLayersAndNoDropout() throws Exception {
        ModelSchema schema = ModelSchema.plain(FEATURES);
        try (Sequential model = TinyModels.mlp(backend, FEATURES, 16, CLASSES, 6)) {
            ModelProto onnx = OnnxExporter.toOnnx(model, schema);
            List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
            assertEquals(List.of("Gemm", "Relu", "Gemm", "Relu", "Gemm", "Identity"), ops);
            assertEquals(OnnxExporter.OPSET, onnx.getOpsetImport(0).getVersion());
            assertEquals(OnnxExporter.IR_VERSION, onnx.getIrVersion());
        }
        assertSameLogits(schema, TinyModels.rawRows(9, FEATURES, 0, 7), 9);
    }

    @Test
    void theBatchAxisIsDynamic() throws Exception {
        ModelSchema schema = TinyModels.schema(TinyModels.standardize(FEATURES, null, 8), null, null);
        for (int rows : new int[] {1, 2, 128}) {
            assertSameLogits(schema, TinyModels.rawRows(rows, FEATURES, 0, 9 + rows), rows);
        }
    }

    @Test
    void classAndFeatureNamesAreInTheMetadata() throws Exception {
        List<String> features = List.of("a", "b", "c", "d", "e", "f", "g");
        List<String> classes = List.of("cat", "dog", "emu", "yak");
        ModelSchema schema = TinyModels.schema(TinyModels.standardize(FEATURES, null, 10), features, classes);
        Path file = exported(schema, 11);
        try (OrtSession session = ort.createSession(file.toString())) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertEquals("[\"cat\",\"dog\",\"emu\",\"yak\"]", meta.get(OnnxExporter.CLASSES_KEY));
            assertEquals("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]", meta.get(OnnxExporter.FEATURES_KEY));
            assertEquals("distill4j", session.getMetadata().getProducerName());
            assertEquals(List.of(OnnxExporter.INPUT), List.copyOf(session.getInputNames()));
            assertEquals(List.of(OnnxExporter.OUTPUT), List.copyOf(session.getOutputNames()));
        }
    }

    @Test
    void aSavedModelFileExportsWithItsSchema() throws Exception {
        ModelSchema schema = TinyModels.schema(TinyModels.standardize(FEATURES, null, 12), null, List.of("n", "e", "s", "w"));
        Path safetensors = dir.resolve("student.safetensors");
        try (Sequential model = TinyModels.mlp(backend, FEATURES, 8, CLASSES, 13)) {
            ModelFile.save(model, schema, safetensors, Map.of());
        }
        try (ModelFile.Saved saved = ModelFile.read(backend, safetensors)) {
            ModelProto onnx = OnnxExporter.toOnnx(saved.model(), saved.schema());
            assertArrayEquals(new String[] {"Sub", "Mul"}, onnx.getGraph().getNodeList().stream().limit(2)
                    .map(NodeProto::getOpType).toArray(String[]::new));
        }
    }

    @Test
    @DisplayName("a convolutional model (conv, batch norm with trained running statistics, pools, a residual block) gives"
            + " distill4j's logits in ONNX Runtime")
    void aConvolutionalModelGivesDistill4jsLogits() throws Exception {
        String[] specs = {"1x8x7-c4k3-bn-relu-r(c4k3-bn-relu-c4k3-bn)-relu-p2s1-c3k3s2p0-a2s1-fc4",
                "2x4x4-c3k1-relu-gap-bn-fc5-4", "1x5x5-bn-c2k5p0-fc4"};
        for (String spec : specs) {
            Path file = dir.resolve("cnn.onnx");
            try (Sequential model = ArchitectureSpec.parse(spec).build(backend, 3)) {
                int rows = 9;
                float[] raw = TinyModels.rawRows(rows, model.inputSize(), 0, 4);
                for (Layer layer : model.layers()) {
                    if (layer instanceof BatchNorm bn) {
                        bn.runningMean().value().copyFrom(TinyModels.rawRows(1, bn.runningMean().value().size(), 0, 5));
                        bn.runningVar().value().copyFrom(new float[bn.runningVar().value().size()]);
                        backend.fill(bn.runningVar().value(), 0.7f);
                        backend.fill(bn.gamma().value(), 1.3f);
                    }
                }
                ModelSchema schema = ModelSchema.plain(model.inputSize());
                OnnxExporter.write(model, schema, file);
                float[] expected = model.logits(raw, rows);
                float[] actual;
                try (OrtSession session = ort.createSession(file.toString());
                     OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(raw), new long[] {rows, model.inputSize()});
                     OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, x))) {
                    float[][] logits = (float[][]) result.get(0).getValue();
                    actual = new float[rows * model.outputSize()];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(logits[r], 0, actual, r * model.outputSize(), model.outputSize());
                    }
                }
                for (int i = 0; i < expected.length; i++) {
                    assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])),
                            spec + ", logit " + i + ": distill4j " + expected[i] + ", ONNX Runtime " + actual[i]);
                }
            }
        }
    }

    /** Exports a seeded MLP with {@code schema} and checks ONNX Runtime's logits on {@code raw} against distill4j's. */
    private void assertSameLogits(ModelSchema schema, float[] raw, int rows) throws Exception {
        Path file = dir.resolve("model-" + rows + ".onnx");
        try (Sequential model = TinyModels.mlp(backend, FEATURES, 16, CLASSES, 42)) {
            OnnxExporter.write(model, schema, file);
            float[] expected = model.logits(schema.preprocessing().transform(raw, rows), rows);
            float[] actual = run(file, raw, rows);
            assertEquals(expected.length, actual.length);
            double worst = 0;
            double largest = 0;
            for (int i = 0; i < expected.length; i++) {
                double diff = Math.abs(expected[i] - actual[i]);
                worst = Math.max(worst, diff);
                largest = Math.max(largest, Math.abs(expected[i]));
                assertTrue(diff <= 1e-4 * Math.max(1, Math.abs(expected[i])),
                        "logit " + i + ": distill4j " + expected[i] + ", ONNX Runtime " + actual[i]);
            }
            System.out.printf("export %s, %d rows: max abs difference %.2e, largest |logit| %.2f%n", schema.preprocessing(),
                    rows, worst, largest);
        }
    }

    private Path exported(ModelSchema schema, long seed) throws Exception {
        Path file = dir.resolve("model.onnx");
        try (Sequential model = TinyModels.mlp(backend, FEATURES, 16, CLASSES, seed)) {
            OnnxExporter.write(model, schema, file);
        }
        return file;
    }

    private static float[] run(Path file, float[] raw, int rows) throws OrtException {
        try (OrtSession session = ort.createSession(file.toString());
             OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(raw), new long[] {rows, FEATURES});
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, x))) {
            float[][] logits = (float[][]) result.get(0).getValue();
            float[] flat = new float[rows * CLASSES];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(logits[r], 0, flat, r * CLASSES, CLASSES);
            }
            return flat;
        }
    }
}
