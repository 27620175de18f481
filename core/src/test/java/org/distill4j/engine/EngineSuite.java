package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.CheckpointStore;
import org.distill4j.io.ModelFile;
import org.distill4j.io.PythonNumpy;
import org.distill4j.nn.LayerRegistry;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.Classifier;
import org.distill4j.train.Evaluation;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.Inference;
import org.distill4j.train.LossTerms;
import org.distill4j.train.Objective;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.TrainListener;
import org.distill4j.train.TrainResult;
import org.distill4j.train.TrainState;
import org.distill4j.train.Trainer;
import org.distill4j.train.TrainingDivergedException;
import org.junit.jupiter.api.DisplayName;
import org.distill4j.train.Probabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end behaviour of the training and distillation engine on one backend: a backend
 * module runs it with a one-line subclass. Data are made in the test ({@link SyntheticData}).
 */
public abstract class EngineSuite extends BackendSuite {
    private static final SyntheticData PROBLEM = new SyntheticData(7, 8, 40, 10, 1.2);
    private static final String TEACHER = "40-128-128-10";
    private static final String STUDENT = "40-32-32-10";


    protected EngineSuite(BackendProvider provider, BackendConfig config) {
        super("engine suite", provider, config);
    }


    private static TrainConfig config(int epochs, long seed) {
        return TrainConfig.builder().epochs(epochs).batchSize(64).learningRate(0.05f).seed(seed).build();
    }

    private Sequential teacher(Dataset train, long seed) {
        Sequential t = MlpSpec.parse(TEACHER).withDropout(0.1f, 0.5f).build(backend, seed);
        new Trainer(config(40, seed)).fit(t, train, new HardLabelObjective(), null);
        return t;
    }

    @Test
    @DisplayName("a distilled student beats the same student trained alone, on every one of 3 seeds, by a margin")
    void distillationBeatsTrainingAlone() {
        Dataset test = PROBLEM.sample(4000, 999);
        int totalGain = 0;
        List<String> rows = new ArrayList<>();
        for (long seed = 0; seed < 3; seed++) {
            Dataset train = PROBLEM.sample(800, 100 + seed);
            try (Sequential teacher = teacher(train, seed);
                 Sequential alone = MlpSpec.parse(STUDENT).build(backend, seed + 50);
                 Sequential distilled = MlpSpec.parse(STUDENT).build(backend, seed + 50)) {
                new Trainer(config(40, seed)).fit(alone, train, new HardLabelObjective(), null);
                TeacherLogits logits = TeacherLogits.compute(teacher, train);
                new Trainer(config(40, seed)).fit(distilled, train,
                        new DistillationObjective(logits, DistillConfig.softTargets(4f, 0.1f)), null);
                int t = Inference.evaluate(teacher, test).errors();
                int a = Inference.evaluate(alone, test).errors();
                int d = Inference.evaluate(distilled, test).errors();
                rows.add("seed " + seed + ": teacher " + t + ", alone " + a + ", distilled " + d + " errors of 4000");
                assertTrue(d < a, "distilled student must beat the student alone: " + rows);
                totalGain += a - d;
            }
        }
        System.out.println(String.join("\n", rows));
        assertTrue(totalGain >= 3 * 40, "mean gain must be at least 1% of the test set (40 errors), was "
                + totalGain / 3.0 + ": " + rows);
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights")
    void sameSeedSameWeights() {
        Dataset train = PROBLEM.sample(300, 5);
        try (Sequential a = MlpSpec.parse(STUDENT).withDropout(0f, 0.3f).build(backend, 3);
             Sequential b = MlpSpec.parse(STUDENT).withDropout(0f, 0.3f).build(backend, 3)) {
            new Trainer(config(3, 11)).fit(a, train, new HardLabelObjective(), null);
            new Trainer(config(3, 11)).fit(b, train, new HardLabelObjective(), null);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).value().toArray(), b.parameters().get(i).value().toArray(),
                        a.parameters().get(i).name());
            }
        }
    }

    /** Checkpoints in {@code store} that "crash" (throw) right after saving the state of epoch {@code epochs}. */
    private static Checkpoints crashAfter(CheckpointStore store, int epochs) {
        return new Checkpoints() {
            @Override
            public java.util.Optional<TrainState> latest() {
                return store.latest();
            }

            @Override
            public void save(TrainState state) {
                store.save(state);
                if (state.epochsDone() == epochs) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
    }

    @Test
    @DisplayName("a run resumed from a checkpoint ends with the same weights as an uninterrupted run")
    void resumeMatchesUninterruptedRun(@TempDir Path dir) {
        Dataset train = PROBLEM.sample(300, 6);
        TrainConfig full = config(4, 21);
        try (Sequential straight = MlpSpec.parse(STUDENT).withDropout(0f, 0.3f).build(backend, 4);
             Sequential resumed = MlpSpec.parse(STUDENT).withDropout(0f, 0.3f).build(backend, 4)) {
            new Trainer(full).fit(straight, train, new HardLabelObjective(), null);

            CheckpointStore store = new CheckpointStore(dir, "resume-test");
            // The first attempt "crashes" after 2 epochs: its checkpoints stop there.
            Checkpoints stopAfterTwo = crashAfter(store, 2);
            assertThrows(IllegalStateException.class,
                    () -> new Trainer(full).checkpoints(stopAfterTwo).fit(resumed, train, new HardLabelObjective(), null));
            try (Sequential fresh = MlpSpec.parse(STUDENT).withDropout(0f, 0.3f).build(backend, 99)) {
                new Trainer(full).checkpoints(store).fit(fresh, train, new HardLabelObjective(), null);
                for (int i = 0; i < straight.parameters().size(); i++) {
                    assertArrayEquals(straight.parameters().get(i).value().toArray(),
                            fresh.parameters().get(i).value().toArray(), straight.parameters().get(i).name());
                }
            }
        }
    }

    @Test
    @DisplayName("with validation data the model keeps the epoch with the fewest validation errors, also across a resume")
    void validationChoosesTheKeptEpoch(@TempDir Path dir) {
        Dataset train = PROBLEM.sample(300, 12);
        Dataset validation = PROBLEM.sample(200, 13);
        TrainConfig lively = config(6, 5).toBuilder().learningRate(0.3f).build();
        List<Integer> errorsPerEpoch = new ArrayList<>();
        TrainListener recorder = new TrainListener() {
            @Override
            public void onEpoch(EpochReport epoch) {
                errorsPerEpoch.add(epoch.evaluation().errors());
            }
        };
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 5);
             Sequential resumed = MlpSpec.parse(STUDENT).build(backend, 5)) {
            TrainResult result = new Trainer(lively).listener(recorder).fit(m, train, new HardLabelObjective(), validation);
            int fewest = errorsPerEpoch.stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertEquals(TrainResult.Selection.BEST_ON_VALIDATION, result.selection());
            assertEquals(errorsPerEpoch.indexOf(fewest), result.keptEpoch(), "errors per epoch " + errorsPerEpoch);
            assertEquals(fewest, Inference.evaluate(m, validation).errors(), "the kept weights give the best epoch's errors");

            CheckpointStore store = new CheckpointStore(dir, "selection-test");
            Checkpoints crashAfterThree = crashAfter(store, 3);
            assertThrows(IllegalStateException.class, () -> new Trainer(lively).checkpoints(crashAfterThree)
                    .fit(resumed, train, new HardLabelObjective(), validation));
            TrainResult second = new Trainer(lively).checkpoints(store).fit(resumed, train, new HardLabelObjective(), validation);
            assertEquals(result.keptEpoch(), second.keptEpoch());
            assertEquals(fewest, Inference.evaluate(resumed, validation).errors());
        }
    }

    @Test
    @DisplayName("without validation data the last epoch is kept, and patience is refused")
    void noValidationKeepsTheLastEpoch() {
        Dataset train = PROBLEM.sample(200, 14);
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 1)) {
            TrainResult result = new Trainer(config(2, 1)).fit(m, train, new HardLabelObjective(), null);
            assertEquals(TrainResult.Selection.LAST, result.selection());
            assertEquals(1, result.keptEpoch());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                    config(2, 1).toBuilder().patience(2).build()).fit(m, train, new HardLabelObjective(), null));
            assertTrue(e.getMessage().contains("validation"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a diverging run stops with an error naming the epoch and step")
    void divergenceStopsTheRun() {
        Dataset train = PROBLEM.sample(200, 7);
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 1)) {
            TrainConfig wild = TrainConfig.builder().epochs(3).batchSize(32).learningRate(1e4f).momentum(0.99f).build();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> new Trainer(wild).fit(m, train, new HardLabelObjective(), null));
            assertTrue(e.getMessage().contains("epoch") && e.getMessage().contains("step"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a saved model loads back with identical predictions")
    void savedModelLoadsBack(@TempDir Path dir) throws Exception {
        Dataset train = PROBLEM.sample(200, 8);
        Path file = dir.resolve("student.safetensors");
        try (Sequential m = MlpSpec.parse(STUDENT).withDropout(0.1f, 0.2f).withMaxNorm(3f).build(backend, 2)) {
            new Trainer(config(2, 2)).fit(m, train, new HardLabelObjective(), null);
            ModelFile.save(m, file, Map.of("note", "test"));
            try (Sequential back = ModelFile.load(backend, file)) {
                assertEquals(m.architecture(), back.architecture());
                assertArrayEquals(Inference.logits(m, train, 64), Inference.logits(back, train, 64));
            }
        }
        assertTrue(Files.size(file) > 0);
    }

    @Test
    @DisplayName("a saved model is read back by an independent safetensors reader (Python json + numpy)")
    void savedModelIsReadableByPython(@TempDir Path dir) throws Exception {
        PythonNumpy.assumeAvailable();
        Path file = dir.resolve("m.safetensors");
        try (Sequential m = MlpSpec.parse("6-5-3").build(backend, 4)) {
            ModelFile.save(m, file, Map.of());
            String out = PythonNumpy.run(dir, """
                    import json, struct, sys, numpy as np
                    data = open(sys.argv[1], 'rb').read()
                    (n,) = struct.unpack('<Q', data[:8])
                    header = json.loads(data[8:8 + n])
                    arch = json.loads(header['__metadata__']['architecture'])
                    print(arch['inputSize'], len(arch['layers']))
                    for name in sorted(k for k in header if k != '__metadata__'):
                        t = header[name]
                        a, b = t['data_offsets']
                        v = np.frombuffer(data[8 + n + a:8 + n + b], dtype='<f4').reshape(t['shape'])
                        print(name, t['dtype'], list(v.shape), repr(float(v.sum())))
                    """, file.toString());
            String[] lines = out.strip().split("\n");
            assertEquals("6 3", lines[0], out);
            for (Parameter p : m.parameters()) {
                double sum = 0;
                for (float v : p.value().toArray()) {
                    sum += v;
                }
                String line = java.util.Arrays.stream(lines).filter(l -> l.startsWith(p.name() + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("python did not see " + p.name() + ": " + out));
                String[] f = line.split(" F32 ");
                assertEquals(java.util.Arrays.toString(p.value().shape()).replace(" ", ""),
                        f[1].substring(0, f[1].lastIndexOf(']') + 1).replace(" ", ""), line);
                assertEquals(sum, Double.parseDouble(f[1].substring(f[1].lastIndexOf(' ') + 1)), 1e-4, line);
            }
        }
    }

    @Test
    @DisplayName("a user-defined layer type trains, saves and loads without changes to the core loop")
    void customLayerType(@TempDir Path dir) throws Exception {
        LayerRegistry registry = LayerRegistry.defaults()
                .register(HalfLayer.TYPE, (b, name, config) -> new HalfLayer());
        Dataset train = PROBLEM.sample(200, 13);
        try (Sequential m = new Sequential(backend, 40, List.of(
                new HalfLayer(), new org.distill4j.nn.Linear(backend, "layers.1", 40, 10, 0f)))) {
            new Trainer(config(2, 1)).fit(m, train, new HardLabelObjective(), null);
            Path file = dir.resolve("custom.safetensors");
            ModelFile.save(m, file, Map.of());
            try (Sequential back = ModelFile.load(backend, file, registry)) {
                assertArrayEquals(Inference.logits(m, train, 50), Inference.logits(back, train, 50));
            }
            assertThrows(org.distill4j.io.DataFormatException.class, () -> ModelFile.load(backend, file).close(),
                    "the default registry does not know the custom type");
        }
    }

    /** A parameter-free layer that halves its input: the smallest possible user-defined layer. */
    static final class HalfLayer implements org.distill4j.nn.Layer {
        static final String TYPE = "half";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public org.distill4j.nn.Shape outputShape(org.distill4j.nn.Shape input) {
            return input;
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }

        @Override
        public org.distill4j.backend.Tensor forward(org.distill4j.backend.Tensor input, org.distill4j.nn.Pass pass) {
            org.distill4j.backend.Tensor out = pass.tensor(input.shape());
            pass.backend().copy(input, out);
            pass.backend().scale(out, 0.5f);
            return out;
        }

        @Override
        public org.distill4j.backend.Tensor backward(org.distill4j.backend.Tensor gradOutput, org.distill4j.nn.Pass pass,
                                                     boolean needInputGrad) {
            if (!needInputGrad) {
                return null;
            }
            org.distill4j.backend.Tensor g = pass.tensor(gradOutput.shape());
            pass.backend().copy(gradOutput, g);
            pass.backend().scale(g, 0.5f);
            return g;
        }

        @Override
        public com.google.gson.JsonObject config() {
            return new com.google.gson.JsonObject();
        }
    }

    @Test
    @DisplayName("many threads predicting through one model get exactly the sequential results")
    void concurrentInferenceIsExact() throws Exception {
        Dataset data = PROBLEM.sample(256, 9);
        try (Sequential m = MlpSpec.parse(TEACHER).build(backend, 5)) {
            float[] expected = Inference.logits(m, data, 32);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> Inference.logits(m, data, 32)));
                }
                for (Future<float[]> f : results) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    @DisplayName("many threads calling one loaded Classifier get exactly the sequential predictions and probabilities")
    void concurrentClassifierIsExact(@TempDir Path dir) throws Exception {
        Dataset data = PROBLEM.sample(120, 14);
        Path file = dir.resolve("embedded.safetensors");
        try (Sequential m = MlpSpec.parse(STUDENT).withDropout(0.1f, 0.2f).build(backend, 6)) {
            new Trainer(config(2, 6)).fit(m, PROBLEM.sample(200, 15), new HardLabelObjective(), null);
            ModelFile.save(m, file, Map.of());
        }
        int before = backend.liveTensors();
        try (Classifier classifier = Classifier.load(file, backend)) {
            int loaded = backend.liveTensors();
            int n = data.size();
            float[][] rows = new float[n][data.featureCount()];
            int[] expected = new int[n];
            float[][] expectedProbabilities = new float[n][];
            for (int i = 0; i < n; i++) {
                data.features(i, rows[i]);
                expected[i] = classifier.predict(rows[i]);
                expectedProbabilities[i] = classifier.probabilities(rows[i]);
            }
            float[] all = new float[n * data.featureCount()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows[i], 0, all, i * data.featureCount(), data.featureCount());
            }
            assertArrayEquals(expected, classifier.predictBatch(all, n), "a batch predicts what single calls predict");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t * 17;
                    calls.add(pool.submit(() -> {
                        for (int round = 0; round < 5; round++) {
                            for (int k = 0; k < n; k++) {
                                int i = (k + offset) % n;
                                assertEquals(expected[i], classifier.predict(rows[i]), "example " + i);
                                assertArrayEquals(expectedProbabilities[i], classifier.probabilities(rows[i]), "example " + i);
                            }
                            assertArrayEquals(expected, classifier.predictBatch(all, n));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : calls) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(loaded, backend.liveTensors(), "no tensor left behind by any call");
        }
        assertEquals(before, backend.liveTensors(), "closing the classifier frees its model");
    }

    @Test
    @DisplayName("NaN or infinite features are refused where they enter: dataset, augmentation (at its step), classifier")
    void nonFiniteFeaturesAreRefused(@TempDir Path dir) throws Exception {
        float[] x = new float[50 * 40];
        x[17 * 40 + 3] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dataset(x, 40, new int[50], 10));
        assertEquals("feature 3 of example 17 is NaN; features must be finite (drop or impute missing values)", e.getMessage());
        x[17 * 40 + 3] = 0;
        x[49 * 40] = Float.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> new Dataset(x, 40, new int[50], 10));

        Dataset data = PROBLEM.sample(100, 16);
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 7)) {
            int[] calls = {0};
            IllegalStateException augmented = assertThrows(IllegalStateException.class, () -> new Trainer(config(2, 7))
                    .augmentation((batch, rows, f, random) -> {
                        if (++calls[0] == 2) {
                            batch[f + 5] = Float.POSITIVE_INFINITY;
                        }
                    })
                    .fit(m, data, new HardLabelObjective(), null));
            assertTrue(augmented.getMessage().startsWith("the augmentation made feature 5 of example "), augmented.getMessage());
            assertTrue(augmented.getMessage().contains(" Infinity at epoch 1, step 2;"), augmented.getMessage());

            Path file = dir.resolve("m.safetensors");
            ModelFile.save(m, file, Map.of());
            try (Classifier classifier = Classifier.load(file, backend)) {
                float[] row = new float[40];
                row[39] = Float.NaN;
                e = assertThrows(IllegalArgumentException.class, () -> classifier.predict(row));
                assertTrue(e.getMessage().startsWith("feature 39 of example 0 is NaN"), e.getMessage());
            }
        }
    }

    @Test
    @DisplayName("a loss that becomes non-finite stops the run at the step whose batch caused it, naming epoch and step")
    void nonFiniteLossStopsAtItsStep() {
        Dataset clean = PROBLEM.sample(256, 17);
        float[] x = new float[256 * 40];
        for (int i = 0; i < 256; i++) {
            clean.features(i, x, i * 40);
        }
        int poisoned = 201;
        java.util.Arrays.fill(x, poisoned * 40, poisoned * 40 + 40, Float.MAX_VALUE);
        Dataset data = new Dataset(x, 40, clean.labels(), 10);
        List<String> steps = new ArrayList<>();
        Objective recording = new Objective() {
            private final HardLabelObjective inner = new HardLabelObjective();
            private int epoch;
            private int step;

            @Override
            public LossTerms compute(Tensor logits, Batch batch, Tensor grad, Pass pass) {
                for (int i : batch.indices()) {
                    if (i == poisoned) {
                        steps.add("epoch " + (epoch + 1) + ", step " + (step + 1));
                    }
                }
                if (++step == 256 / 64) {
                    step = 0;
                    epoch++;
                }
                return inner.compute(logits, batch, grad, pass);
            }

            @Override
            public String describe() {
                return inner.describe();
            }
        };
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 8)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> new Trainer(config(3, 8)).fit(m, data, recording, null));
            assertEquals(1, steps.size(), "the run stops at the first batch holding the poisoned example: " + steps);
            assertTrue(e.getMessage().contains("at " + steps.get(0) + " "), steps.get(0) + " vs " + e.getMessage());
        }
    }

    @Test
    @DisplayName("teacher logits that do not fit the transfer set or the student are refused before the first step")
    void mismatchedTeacherLogitsAreRefusedBeforeTraining() {
        Dataset data = PROBLEM.sample(100, 19);
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 10)) {
            float[] before = m.parameters().get(0).value().toArray();
            DistillConfig soft = DistillConfig.softTargets(4f, 0.5f);
            IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1, 10))
                    .fit(m, data, new DistillationObjective(TeacherLogits.of(new float[99 * 10], 99, 10), soft), null));
            assertEquals("distillation: teacher logits have 99 rows, the transfer set has 100 examples", rows.getMessage());
            IllegalArgumentException classes = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1, 10))
                    .fit(m, data, new DistillationObjective(TeacherLogits.of(new float[100 * 12], 100, 12), soft), null));
            assertEquals("distillation: teacher logits have 12 classes, the student has 10 outputs", classes.getMessage());
            assertArrayEquals(before, m.parameters().get(0).value().toArray(), "no step was taken");
        }
    }

    @Test
    @DisplayName("gradient clipping scales the whole gradient to the clip norm when it is larger, and leaves it alone otherwise")
    void gradientClipping() {
        Dataset data = PROBLEM.sample(64, 18);
        float[] unclipped = firstUpdate(data, 0f);
        double norm = norm(unclipped);
        assertTrue(norm > 0.01, "the first step moves the weights: " + norm);
        float clip = (float) (norm / 4);
        float[] clipped = firstUpdate(data, clip);
        assertEquals(clip, norm(clipped), 1e-4 * clip, "the update's global norm is the clip norm");
        for (int i = 0; i < unclipped.length; i++) {
            assertEquals(unclipped[i] * clip / norm, clipped[i], 1e-6 + 1e-4 * Math.abs(unclipped[i]), "weight " + i);
        }
        assertArrayEquals(unclipped, firstUpdate(data, (float) (norm * 2)), "a clip norm above the gradient's changes nothing");
    }

    /** The change of every weight after one plain SGD step (learning rate 1, no momentum) over all of {@code data}. */
    private float[] firstUpdate(Dataset data, float clip) {
        TrainConfig plain = TrainConfig.builder().epochs(1).batchSize(data.size()).learningRate(1f)
                .schedule(TrainConfig.Schedule.CONSTANT).momentum(0f).gradClipNorm(clip).seed(9).build();
        try (Sequential m = MlpSpec.parse(STUDENT).build(backend, 9)) {
            List<float[]> before = new ArrayList<>();
            for (Parameter p : m.parameters()) {
                before.add(p.value().toArray());
            }
            new Trainer(plain).fit(m, data, new HardLabelObjective(), null);
            int size = 0;
            for (float[] b : before) {
                size += b.length;
            }
            float[] delta = new float[size];
            int at = 0;
            for (int k = 0; k < before.size(); k++) {
                float[] after = m.parameters().get(k).value().toArray();
                for (int i = 0; i < after.length; i++) {
                    delta[at++] = before.get(k)[i] - after[i];
                }
            }
            return delta;
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    @DisplayName("training, distillation and inference leave no tensor alive once models are closed")
    void nothingLeaks() {
        int before = backend.liveTensors();
        Dataset train = PROBLEM.sample(200, 10);
        try (Sequential t = MlpSpec.parse(STUDENT).withDropout(0.1f, 0.3f).build(backend, 1);
             Sequential s = MlpSpec.parse(STUDENT).build(backend, 2)) {
            new Trainer(config(2, 1)).fit(t, train, new HardLabelObjective(), null);
            TeacherLogits logits = TeacherLogits.compute(t, train);
            new Trainer(config(2, 1).toBuilder().optimizer(TrainConfig.OptimizerKind.ADAM).learningRate(1e-3f).build())
                    .fit(s, train, new DistillationObjective(logits, DistillConfig.matchLogits(0.5f)), train);
        }
        assertEquals(before, backend.liveTensors(), "live tensors after closing every model");
    }

    @Test
    @DisplayName("an ensemble's averaged probabilities at T are what the distillation loss sees")
    void ensembleOfTeachers() {
        Dataset train = PROBLEM.sample(300, 12);
        try (Sequential a = teacher(train, 1); Sequential b = teacher(train, 2)) {
            TeacherLogits la = TeacherLogits.compute(a, train);
            TeacherLogits lb = TeacherLogits.compute(b, train);
            TeacherLogits ens = TeacherLogits.ensemble(List.of(la, lb), TeacherLogits.Combine.PROBABILITIES, 3f);
            float[] ra = new float[10];
            float[] rb = new float[10];
            float[] re = new float[10];
            la.row(17, ra, 0);
            lb.row(17, rb, 0);
            ens.row(17, re, 0);
            double[] pa = Probabilities.softmax(ra, 3);
            double[] pb = Probabilities.softmax(rb, 3);
            double[] pe = Probabilities.softmax(re, 3);
            for (int c = 0; c < 10; c++) {
                assertEquals((pa[c] + pb[c]) / 2, pe[c], 1e-5, "class " + c);
            }
            Evaluation ea = Inference.evaluate(a, train);
            assertTrue(ea.examples() == 300);
        }
    }

    @Test
    @DisplayName("shift-averaged teacher targets are the mean of the shifted images' distributions at T")
    void shiftAveragedTeacherTargets() {
        int side = 4;
        int n = 4100; // more than one chunk of examples
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        float[] pixels = new float[n * side * side];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        int[] labels = new int[n];
        Dataset images = new Dataset(pixels, side * side, labels, 3, new Dataset.ImageShape(1, side, side));
        float t = 4f;
        try (Sequential teacher = MlpSpec.parse("16-8-3").build(backend, 3)) {
            assertArrayEquals(TeacherLogits.compute(teacher, images).toArray(),
                    TeacherLogits.computeShiftAveraged(teacher, images, 0, t).toArray(), "no shift: the plain logits");
            TeacherLogits averaged = TeacherLogits.computeShiftAveraged(teacher, images, 1, t);
            for (int example : new int[] {0, 17, 4097}) {
                float[] copies = new float[9 * side * side];
                int copy = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++, copy++) {
                        for (int y = 0; y < side; y++) {
                            for (int x = 0; x < side; x++) {
                                int sy = y - dy;
                                int sx = x - dx;
                                boolean inside = sy >= 0 && sy < side && sx >= 0 && sx < side;
                                copies[copy * 16 + y * side + x] = inside ? pixels[example * 16 + sy * side + sx] : 0f;
                            }
                        }
                    }
                }
                float[] z = Inference.logits(teacher, new Dataset(copies, 16, new int[9], 3), 9);
                double[] expected = new double[3];
                for (int c9 = 0; c9 < 9; c9++) {
                    double[] p = Probabilities.softmax(z, c9 * 3, 3, t);
                    for (int c = 0; c < 3; c++) {
                        expected[c] += p[c] / 9;
                    }
                }
                float[] row = new float[3];
                averaged.row(example, row, 0);
                assertArrayEquals(expected, Probabilities.softmax(row, t), 1e-5, "example " + example);
            }
            Dataset notImages = new Dataset(pixels, 16, labels, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TeacherLogits.computeShiftAveraged(teacher, notImages, 1, t));
            assertTrue(e.getMessage().contains("not images"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TeacherLogits.computeShiftAveraged(teacher, images, -1, t));
            assertThrows(IllegalArgumentException.class, () -> TeacherLogits.computeShiftAveraged(teacher, images, 1, 0f));
        }
    }
}
