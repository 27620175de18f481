package org.distill4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.distill.DistillConfig;
import org.distill4j.distill.DistillationObjective;
import org.distill4j.distill.TeacherLogits;
import org.distill4j.io.ModelFile;
import org.distill4j.nn.ArchitectureSpec;
import org.distill4j.nn.BatchNorm;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.nn.Shape;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.Inference;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.Trainer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Convolutional networks end to end on one backend: the whole model's gradient against finite differences, training,
 * saving with batch norm's running statistics, and distillation between CNNs and MLPs. A backend module runs it with
 * a one-line subclass; the examples are {@link SyntheticData}'s 40 features read as 1 x 5 x 8 images.
 */
public abstract class ConvolutionalSuite extends BackendSuite {
    private static final SyntheticData PROBLEM = new SyntheticData(11, 8, 40, 10, 1.0);
    private static final String CNN = "1x5x8-c8k3-bn-relu-r(c8k3-bn-relu-c8k3-bn)-relu-p2-fc32-10";

    protected ConvolutionalSuite(BackendProvider provider, BackendConfig config) {
        super("convolutional suite", provider, config);
    }

    private static TrainConfig config(int epochs, long seed) {
        return TrainConfig.builder().epochs(epochs).batchSize(32).learningRate(0.05f).seed(seed).build();
    }

    /** {@code sum(r * logits)} of one training pass (batch statistics), in float64. */
    private double weightedLogits(Sequential model, float[] x, int rows, float[] r) {
        try (Scope s = backend.newScope()) {
            float[] logits = model.forward(s.tensor(x, rows, model.inputSize()), Pass.training(s, 1)).toArray();
            double sum = 0;
            for (int i = 0; i < logits.length; i++) {
                sum += (double) r[i] * logits[i];
            }
            return sum;
        }
    }

    @Test
    @DisplayName("every parameter's gradient through conv, batch norm, a residual block, max pooling and linear layers"
            + " matches central finite differences (a step small enough that no ReLU or pooling window changes its choice)")
    void gradientMatchesFiniteDifferences() {
        ArchitectureSpec spec = ArchitectureSpec.parse("2x6x5-c3k3-bn-relu-r(c3k3-bn-relu-c3k3)-relu-p2s1-c4k3s2p1-a2s1-fc3");
        int rows = 4;
        SplittableRandom random = new SplittableRandom(5);
        try (Sequential model = spec.build(backend, 3)) {
            float[] x = new float[rows * model.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] r = new float[rows * model.outputSize()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) random.nextGaussian();
            }
            try (Scope s = backend.newScope()) {
                Pass pass = Pass.training(s, 1);
                model.forward(s.tensor(x, rows, model.inputSize()), pass);
                model.backward(s.tensor(r, rows, model.outputSize()), pass);
            }
            int checked = 0;
            for (Parameter p : model.parameters()) {
                float[] value = p.value().toArray();
                float[] grad = p.grad().toArray();
                for (int e = 0; e < value.length; e += Math.max(1, value.length / 5)) {
                    float original = value[e];
                    double h = 1e-3 * Math.max(1, Math.abs(original));
                    value[e] = (float) (original + h);
                    p.value().copyFrom(value);
                    double plus = weightedLogits(model, x, rows, r);
                    value[e] = (float) (original - h);
                    p.value().copyFrom(value);
                    double minus = weightedLogits(model, x, rows, r);
                    value[e] = original;
                    p.value().copyFrom(value);
                    double difference = (plus - minus) / (2 * h);
                    assertEquals(difference, grad[e], 2e-2 * Math.max(1, Math.abs(difference)), p.name() + "[" + e + "]");
                    checked++;
                }
            }
            assertTrue(checked > 40, "checked " + checked + " gradient elements");
        }
    }

    @Test
    @DisplayName("a CNN learns the synthetic images, and the same seed gives the same bits")
    void learnsAndIsReproducible() {
        Dataset train = PROBLEM.sample(1500, 1);
        Dataset test = PROBLEM.sample(1000, 2);
        float[][] weights = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (Sequential model = ArchitectureSpec.parse(CNN).build(backend, 4)) {
                new Trainer(config(8, 4)).fit(model, train, new HardLabelObjective(), null);
                int errors = Inference.evaluate(model, test).errors();
                assertTrue(errors < 450, "a CNN should be far better than chance (900 errors), made " + errors);
                weights[run] = model.parameters().get(0).value().toArray();
            }
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    @Test
    @DisplayName("a saved CNN loads back with identical logits: batch norm's running statistics are saved, not trained")
    void savedCnnLoadsBack(@TempDir Path dir) throws Exception {
        Dataset train = PROBLEM.sample(600, 3);
        Path file = dir.resolve("cnn.safetensors");
        try (Sequential model = ArchitectureSpec.parse(CNN).build(backend, 5)) {
            new Trainer(config(2, 5)).fit(model, train, new HardLabelObjective(), null);
            BatchNorm bn = (BatchNorm) model.layers().get(1);
            float[] running = bn.runningVar().value().toArray();
            assertTrue(running[0] != 1f, "training moved the running variance off its start");
            assertTrue(model.parameters().stream().noneMatch(p -> p.name().contains("running")), "buffers are not parameters");
            ModelFile.save(model, file, Map.of());
            float[] logits = Inference.logits(model, train, 100);
            try (Sequential loaded = ModelFile.load(backend, file)) {
                assertEquals(new Shape(1, 5, 8), loaded.inputShape());
                assertArrayEquals(running, ((BatchNorm) loaded.layers().get(1)).runningVar().value().toArray());
                assertArrayEquals(logits, Inference.logits(loaded, train, 100));
            }
        }
    }

    @Test
    @DisplayName("a CNN teacher distils into an MLP student, and an MLP teacher into a CNN student")
    void distillsBetweenCnnsAndMlps() {
        Dataset train = PROBLEM.sample(1500, 6);
        Dataset test = PROBLEM.sample(1000, 7);
        DistillConfig distill = DistillConfig.softTargets(4f, 0.3f);
        for (List<String> pair : List.of(List.of(CNN, "40-32-10"), List.of("40-64-64-10", CNN))) {
            try (Sequential teacher = model(pair.get(0), 8); Sequential student = model(pair.get(1), 9)) {
                new Trainer(config(8, 8)).fit(teacher, train, new HardLabelObjective(), null);
                TeacherLogits logits = TeacherLogits.compute(teacher, train);
                new Trainer(config(8, 9)).fit(student, train, new DistillationObjective(logits, distill), null);
                int errors = Inference.evaluate(student, test).errors();
                assertTrue(errors < 500, pair + ": the distilled student made " + errors + " errors of 1000");
            }
        }
    }

    private Sequential model(String spec, long seed) {
        return spec.contains("x") ? ArchitectureSpec.parse(spec).build(backend, seed) : MlpSpec.parse(spec).build(backend, seed);
    }
}
