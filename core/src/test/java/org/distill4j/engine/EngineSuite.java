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
import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
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
import org.distill4j.nn.Sequential;
import org.distill4j.train.Checkpoints;
import org.distill4j.train.Evaluation;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.Inference;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.TrainState;
import org.distill4j.train.Trainer;
import org.distill4j.train.TrainingDivergedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.distill4j.train.Probabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end behaviour of the training and distillation engine on one backend: a backend
 * module runs it with a one-line subclass. Data are made in the test ({@link SyntheticData}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineSuite {
    private static final SyntheticData PROBLEM = new SyntheticData(7, 8, 40, 10, 1.2);
    private static final String TEACHER = "40-128-128-10";
    private static final String STUDENT = "40-32-32-10";

    private final BackendProvider provider;
    private final BackendConfig config;
    protected Backend backend;

    protected EngineSuite(BackendProvider provider, BackendConfig config) {
        this.provider = provider;
        this.config = config;
    }

    @BeforeAll
    void createBackend() {
        Availability a = provider.probe();
        if (!a.available()) {
            System.out.println("SKIPPED engine suite for backend " + provider.name() + ": " + a.reason());
        }
        Assumptions.assumeTrue(a.available(), () -> "backend " + provider.name() + " unavailable: " + a.reason());
        backend = provider.create(config);
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
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
            Checkpoints stopAfterTwo = new Checkpoints() {
                @Override
                public java.util.Optional<TrainState> latest() {
                    return store.latest();
                }

                @Override
                public void save(TrainState state) {
                    store.save(state);
                    if (state.epochsDone() == 2) {
                        throw new IllegalStateException("simulated crash");
                    }
                }
            };
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
        public int outputSize(int inputSize) {
            return inputSize;
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

}
