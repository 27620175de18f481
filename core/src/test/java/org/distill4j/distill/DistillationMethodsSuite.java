package org.distill4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.engine.BackendSuite;
import org.distill4j.engine.SyntheticData;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;
import org.distill4j.train.Batch;
import org.distill4j.train.HardLabelObjective;
import org.distill4j.train.Inference;
import org.distill4j.train.LossTerms;
import org.distill4j.train.TrainConfig;
import org.distill4j.train.Trainer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every distillation method through {@link DistillationObjective} on one backend: the loss and gradient it leaves
 * in the gradient tensor are the float64 reference's, an online teacher gives what its precomputed logits give,
 * and each method distills a student. Subclassed once per backend.
 */
public abstract class DistillationMethodsSuite extends BackendSuite {
    private static final SyntheticData PROBLEM = new SyntheticData(7, 8, 40, 10, 1.2);
    private static final List<SoftTerm> METHODS = List.of(new SoftTerm.Kd(), new SoftTerm.MatchLogits(),
            new SoftTerm.Dkd(1f, 8f, 4), new SoftTerm.Dist(1f, 1f), new SoftTerm.StandardizedKd());


    protected DistillationMethodsSuite(BackendProvider provider, BackendConfig config) {
        super("distillation methods suite", provider, config);
    }


    @Test
    @DisplayName("each method's loss and gradient, hard-label term included (a mean over all rows, unlabelled ones adding 0),"
            + " are the float64 reference's, at epoch 2 of DKD's warm-up of 4")
    void objectiveMatchesTheReference() {
        int rows = 6;
        int classes = 5;
        SplittableRandom random = new SplittableRandom(11);
        float[] student = new float[rows * classes];
        float[] teacher = new float[rows * classes];
        for (int i = 0; i < student.length; i++) {
            student[i] = (float) (4 * random.nextDouble() - 2);
            teacher[i] = (float) (6 * random.nextDouble() - 3);
        }
        float[] labels = {0, 3, -1, 4, 1, 2};
        float alpha = 0.25f;
        float t = 3f;
        int epoch = 1;
        for (SoftTerm term : METHODS) {
            double[] s = Rows.doubles(student);
            double[] z = Rows.doubles(teacher);
            double[] soft = new double[s.length];
            double softLoss;
            if (term instanceof SoftTerm.MatchLogits) {
                softLoss = 0;
                for (int i = 0; i < s.length; i++) {
                    softLoss += (s[i] - z[i]) * (s[i] - z[i]) / (2.0 * rows);
                    soft[i] = (s[i] - z[i]) / rows;
                }
            } else {
                int[] targets = {0, 3, Rows.argmax(z, 2 * classes, classes), 4, 1, 2};
                softLoss = HostSoftTerms.evaluate(term, s, z, targets, rows, classes, t, soft).loss();
            }
            double weight = term.weight(alpha, epoch);
            double hardLoss = 0;
            double[] expected = new double[s.length];
            for (int r = 0; r < rows; r++) {
                double[] p = Rows.softmax(s, r * classes, classes);
                for (int j = 0; j < classes; j++) {
                    expected[r * classes + j] = weight * soft[r * classes + j];
                    if (labels[r] >= 0) {
                        expected[r * classes + j] += alpha * (p[j] - (j == labels[r] ? 1 : 0)) / rows;
                    }
                }
                if (labels[r] >= 0) {
                    hardLoss -= Math.log(p[(int) labels[r]]) / rows;
                }
            }
            try (Scope scope = backend.newScope()) {
                Tensor logits = scope.tensor(student, rows, classes);
                Tensor y = scope.tensor(labels, rows);
                Tensor grad = scope.tensor(rows, classes);
                Batch batch = new Batch(new int[] {0, 1, 2, 3, 4, 5}, scope.tensor(rows, 1), y, epoch);
                LossTerms loss = new DistillationObjective(TeacherLogits.of(teacher, rows, classes), new DistillConfig(t, alpha, term))
                        .compute(logits, batch, grad, Pass.inference(scope));
                assertEquals(softLoss, loss.soft(), 1e-5 * Math.max(1, Math.abs(softLoss)), term.name() + " soft term");
                assertEquals(hardLoss, loss.hard(), 1e-5 * Math.max(1, hardLoss), term.name() + " hard term");
                assertEquals(alpha * hardLoss + weight * softLoss, loss.total(), 1e-5 * Math.max(1, loss.total()), term.name() + " total");
                float[] g = grad.toArray();
                for (int i = 0; i < g.length; i++) {
                    assertEquals(expected[i], g[i], 2e-6, term.name() + " gradient element " + i);
                }
            }
        }
    }

    @Test
    @DisplayName("an online teacher (one model, or an ensemble averaged at T) gives the loss of its precomputed logits")
    void onlineTeacherMatchesPrecomputedLogits() {
        Dataset train = PROBLEM.sample(200, 12);
        try (Sequential a = teacher(train, 1); Sequential b = teacher(train, 2); Sequential student = MlpSpec.parse("40-16-10").build(backend, 3)) {
            TeacherLogits la = TeacherLogits.compute(a, train);
            TeacherLogits lb = TeacherLogits.compute(b, train);
            TeacherLogits ensemble = TeacherLogits.ensemble(List.of(la, lb), TeacherLogits.Combine.PROBABILITIES, 4f);
            DistillConfig kd = DistillConfig.softTargets(4f, 0.1f);
            int[] indices = {5, 17, 42, 99, 150, 199};
            float[] x = new float[indices.length * 40];
            float[] y = new float[indices.length];
            for (int r = 0; r < indices.length; r++) {
                train.features(indices[r], x, r * 40);
                y[r] = train.label(indices[r]);
            }
            for (boolean both : new boolean[] {false, true}) {
                DistillationObjective cached = new DistillationObjective(both ? ensemble : la, kd);
                DistillationObjective online = new DistillationObjective(BatchTeacher.online(both ? List.of(a, b) : List.of(a),
                        TeacherLogits.Combine.PROBABILITIES, 4f), kd);
                try (Scope scope = backend.newScope()) {
                    Batch batch = new Batch(indices, scope.tensor(x, indices.length, 40), scope.tensor(y, indices.length), 0);
                    Tensor logits = student.forward(batch.features(), Pass.inference(scope));
                    LossTerms c = cached.compute(logits, batch, scope.tensor(logits.shape()), Pass.inference(scope));
                    LossTerms o = online.compute(logits, batch, scope.tensor(logits.shape()), Pass.inference(scope));
                    assertEquals(c.soft(), o.soft(), 1e-5 * Math.max(1, c.soft()), both ? "ensemble" : "one teacher");
                }
            }
        }
    }

    @Test
    @DisplayName("a mixed batch's hard term is lambda * CE(labels) + (1 - lambda) * CE(partners' labels); cached logits refuse it")
    void mixedBatches() {
        float[] z = {2f, -1f, 0.5f, 0f, 3f, -2f, 1f, 1f, 1f};
        float lambda = 0.3f;
        try (Scope scope = backend.newScope()) {
            Tensor logits = scope.tensor(z, 3, 3);
            Tensor own = scope.tensor(new float[] {0, 1, 2}, 3);
            Tensor partners = scope.tensor(new float[] {2, 0, -1}, 3);
            Batch mixed = new Batch(new int[] {0, 1, 2}, scope.tensor(3, 1), own, 0, new Batch.Mixed(lambda, partners));
            Tensor grad = scope.tensor(3, 3);
            double loss = mixed.crossEntropy(logits, 0.5f, grad, scope);
            double expected = 0;
            double[] expectedGrad = new double[9];
            double[] zs = Rows.doubles(z);
            int[][] labels = {{0, 1, 2}, {2, 0, -1}};
            double[] weights = {lambda, 1 - lambda};
            for (int k = 0; k < 2; k++) {
                for (int r = 0; r < 3; r++) {
                    int y = labels[k][r];
                    if (y < 0) {
                        continue;
                    }
                    double[] p = Rows.softmax(zs, 3 * r, 3);
                    expected -= weights[k] * Math.log(p[y]) / 3;
                    for (int j = 0; j < 3; j++) {
                        expectedGrad[3 * r + j] += 0.5 * weights[k] * (p[j] - (j == y ? 1 : 0)) / 3;
                    }
                }
            }
            assertEquals(expected, loss, 1e-5);
            float[] g = grad.toArray();
            for (int i = 0; i < 9; i++) {
                assertEquals(expectedGrad[i], g[i], 1e-6, "gradient element " + i);
            }
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> BatchTeacher.cached(TeacherLogits.of(new float[9], 3, 3)).logits(mixed, scope));
            assertTrue(e.getMessage().contains("--online-teacher"), e.getMessage());
        }
    }

    @Test
    @DisplayName("every method distills: its student gets at least 80% of the teacher's accuracy on held-out data")
    void everyMethodDistills() {
        Dataset train = PROBLEM.sample(600, 21);
        Dataset test = PROBLEM.sample(2000, 22);
        List<String> rows = new ArrayList<>();
        try (Sequential teacher = teacher(train, 4)) {
            TeacherLogits logits = TeacherLogits.compute(teacher, train);
            double teacherAccuracy = 1 - Inference.evaluate(teacher, test).errors() / 2000.0;
            for (SoftTerm term : METHODS) {
                try (Sequential student = MlpSpec.parse("40-32-10").build(backend, 5)) {
                    new Trainer(config(15, 5)).fit(student, train, new DistillationObjective(logits, new DistillConfig(4f, 0.1f, term)), null);
                    double accuracy = 1 - Inference.evaluate(student, test).errors() / 2000.0;
                    rows.add(String.format("%s %.3f (teacher %.3f)", term.name(), accuracy, teacherAccuracy));
                    assertTrue(accuracy >= 0.8 * teacherAccuracy, rows.toString());
                }
            }
        }
        System.out.println(String.join("\n", rows));
    }

    @Test
    @DisplayName("a hint's gradient, through the regressor into the student's hidden layer, matches finite differences of its loss")
    void hintGradientsMatchFiniteDifferences() {
        Dataset data = PROBLEM.sample(8, 31);
        float[] x = new float[8 * 40];
        for (int r = 0; r < 8; r++) {
            data.features(r, x, r * 40);
        }
        try (Sequential teacher = MlpSpec.parse("40-12-10").build(backend, 1);
             Sequential student = MlpSpec.parse("40-6-10").build(backend, 2);
             HintObjective hint = new HintObjective(new HardLabelObjective(), teacher, 1, 1, 6, 0.5f, 10, 3)) {
            hint.checkCompatible(student, data);
            org.distill4j.nn.Parameter w = student.parameters().get(0);
            org.distill4j.nn.Parameter r = hint.parameters().get(0);
            float[] studentGrad;
            float[] regressorGrad;
            try (Scope scope = backend.newScope()) {
                Pass pass = Pass.training(scope, 0);
                hint.prepare(pass);
                Batch batch = new Batch(new int[8], scope.tensor(x, 8, 40), scope.tensor(8), 0);
                Tensor logits = student.forward(batch.features(), pass);
                Tensor grad = scope.tensor(logits.shape());
                hint.compute(logits, batch, grad, pass);
                for (float g : grad.toArray()) {
                    assertEquals(0f, g, "the first stage leaves the logits without gradient");
                }
                student.backward(grad, pass);
                studentGrad = w.grad().toArray();
                regressorGrad = r.grad().toArray();
            }
            for (org.distill4j.nn.Parameter p : new org.distill4j.nn.Parameter[] {w, r}) {
                float[] analytic = p == w ? studentGrad : regressorGrad;
                float[] values = p.value().toArray();
                for (int i = 0; i < values.length; i += 7) {
                    float keep = values[i];
                    float h = 1e-2f;
                    values[i] = keep + h;
                    p.value().copyFrom(values);
                    double up = hintLoss(hint, student, x);
                    values[i] = keep - h;
                    p.value().copyFrom(values);
                    double down = hintLoss(hint, student, x);
                    values[i] = keep;
                    p.value().copyFrom(values);
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), p.name() + " element " + i);
                }
            }
        }
    }

    @Test
    @DisplayName("FitNets: a first stage lowers the hint loss and leaves the layers above the hinted one alone; the saved student"
            + " has no regressor and loads as any model; the regressor is checkpointed with the student")
    void hintStagesAndFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        Dataset train = PROBLEM.sample(256, 41);
        try (Sequential teacher = teacher(train, 6); Sequential student = MlpSpec.parse("40-16-16-10").build(backend, 7);
             HintObjective stage = new HintObjective(new HardLabelObjective(), teacher, 1, 1, 16, 1f, 100, 8)) {
            float[] before = lastLayerWeights(student);
            double first = trainHint(stage, student, train, 1, null);
            double later = trainHint(stage, student, train, 4, null);
            assertTrue(later < first, "hint loss " + first + " then " + later);
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, lastLayerWeights(student), "output layer untouched");

            org.distill4j.io.CheckpointStore store = new org.distill4j.io.CheckpointStore(dir.resolve("ck"), "hint-test");
            try (HintObjective joint = new HintObjective(new DistillationObjective(TeacherLogits.compute(teacher, train),
                    DistillConfig.softTargets(3f, 0.1f)), teacher, 2, 1, 16, 0.1f, 0, 9)) {
                trainHint(joint, student, train, 2, store);
                assertTrue(store.latest().orElseThrow().weights().containsKey("hint.weight"), "the regressor is in the checkpoint");
            }
            java.nio.file.Path file = dir.resolve("student.safetensors");
            org.distill4j.io.ModelFile.save(student, file, java.util.Map.of());
            try (org.distill4j.io.ModelFile.Saved loaded = org.distill4j.io.ModelFile.read(backend, file)) {
                assertEquals(student.parameters().size(), loaded.model().parameters().size());
                assertTrue(loaded.model().parameters().stream().noneMatch(p -> p.name().startsWith("hint")));
            }
        }
    }

    private static float[] lastLayerWeights(Sequential model) {
        List<org.distill4j.nn.Parameter> params = model.parameters();
        return params.get(params.size() - 2).value().toArray();
    }

    /** Trains {@code epochs} epochs and returns the last epoch's mean loss. */
    private static double trainHint(HintObjective objective, Sequential student, Dataset train, int epochs,
                                    org.distill4j.train.Checkpoints checkpoints) {
        double[] last = new double[1];
        Trainer trainer = new Trainer(TrainConfig.builder().epochs(epochs).batchSize(32).learningRate(0.02f).seed(3).build());
        if (checkpoints != null) {
            trainer.checkpoints(checkpoints);
        }
        trainer.listener(new org.distill4j.train.TrainListener() {
            @Override
            public void onEpoch(org.distill4j.train.TrainListener.EpochReport report) {
                last[0] = report.meanLoss().total();
            }
        });
        trainer.fit(student, train, objective, null);
        return last[0];
    }

    /** The hint loss (weighted) of the whole batch {@code x}, in inference mode. */
    private double hintLoss(HintObjective hint, Sequential student, float[] x) {
        try (Scope scope = backend.newScope()) {
            Pass pass = Pass.inference(scope);
            hint.prepare(pass);
            Batch batch = new Batch(new int[8], scope.tensor(x, 8, 40), scope.tensor(8), 0);
            Tensor logits = student.forward(batch.features(), pass);
            return hint.compute(logits, batch, scope.tensor(logits.shape()), pass).total();
        }
    }

    private static TrainConfig config(int epochs, long seed) {
        return TrainConfig.builder().epochs(epochs).batchSize(64).learningRate(0.05f).seed(seed).build();
    }

    private Sequential teacher(Dataset train, long seed) {
        Sequential t = MlpSpec.parse("40-64-10").build(backend, seed);
        new Trainer(config(20, seed)).fit(t, train, new HardLabelObjective(), null);
        return t;
    }
}
